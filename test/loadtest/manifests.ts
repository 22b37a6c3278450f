/** Synthesized manifests as YAML text, built the way users build them (tests write them to a temp dir). */
import { Duration, Testing } from 'cdk8s';
import { stringify } from 'yaml';
import { eksNlbSpec } from '../../examples/eks-nlb/spec';
import { AiInferenceChart, AiInferenceSpec } from '../../src';

export function manifestYaml(spec: Partial<AiInferenceSpec> = {}): string {
  const objects = Testing.synth(new AiInferenceChart(Testing.app(), 'svc', { spec: { ...eksNlbSpec, ...spec } }));
  return objects.map((o) => stringify(o)).join('---\n');
}

/** The eks-nlb service with a p95 of 50 ms, p99 of 80 ms and a 2 % error-rate objective. */
export const TIGHT_SLO: Partial<AiInferenceSpec> = {
  slo: { ...eksNlbSpec.slo, latencyP95: Duration.millis(50), latencyP99: Duration.millis(80), errorRate: 2 },
  // The autoscaler's p95 target must stay below the objective (the chart checks it).
  scaling: { ...eksNlbSpec.scaling, signals: { ...eksNlbSpec.scaling!.signals, latencyP95: { type: 'Value', value: 0.04 } } },
};
