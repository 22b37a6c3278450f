import { Duration, Size, Testing } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { AiInferenceChart, AiInferenceSpec, GkeL4LoadBalancerOptions } from '../../src';
import { Manifest } from '../support';

/** The seed 004 load balancer: one external Service `ai-inference` on 8000 to the pod's http port. */
export const SEED_GKE_LB: GkeL4LoadBalancerOptions = { provider: 'gke-l4', scheme: 'external', name: 'ai-inference', ports: [{ name: 'http', port: 8000 }] };

/** A small Ollama service on GKE behind the L4 load balancer (seed 004's shape, not its example). */
export function gkeSpec(lb: Partial<GkeL4LoadBalancerOptions> = {}, rest: Partial<AiInferenceSpec> = {}): AiInferenceSpec {
  return {
    release: 'ai-inference',
    namespace: 'ai-inference',
    createNamespace: true,
    image: 'ollama/ollama:0.12.6',
    model: { name: 'llama3.1', loadTime: Duration.minutes(5) },
    server: { engine: 'ollama' },
    replicas: 2,
    resources: {
      cpu: { request: Cpu.units(4), limit: Cpu.units(4) },
      memory: { request: Size.gibibytes(40), limit: Size.gibibytes(40) },
      gpu: { count: 1 },
    },
    traffic: { loadBalancer: { ...SEED_GKE_LB, ...lb } as GkeL4LoadBalancerOptions },
    slo: { availability: 99.9, latencyP95: Duration.seconds(2), latencyP99: Duration.seconds(3), errorRate: 1, throughputRps: 50 },
    ...rest,
  };
}

export const chartOf = (spec: AiInferenceSpec) => new AiInferenceChart(Testing.app(), 'gke', { spec });
export const synthSpec = (spec: AiInferenceSpec): Manifest[] => Testing.synth(chartOf(spec));
