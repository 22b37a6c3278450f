import { Chart, ChartProps } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { LABEL_MANAGED_BY, MANAGED_BY, POD_READINESS_GATE_LABEL } from '../conventions';
import { InferenceServiceConstructs, buildService, needsReadinessGates } from './build-service';
import { AiInferenceSpec } from '../spec/spec';
import { Warning } from './consistency';
import { escapeForHelmAtSynth } from './helm';
import { renderChart } from './synth';
import { checkedAtSynth } from './synth-checks';
import { checkedWirings } from './validate';
import { SuppressedWarning, applySuppressions, printOnceAtSynth } from './warnings';

export interface AiInferenceChartProps extends ChartProps {
  /** The whole service, in one typed spec. */
  readonly spec: AiInferenceSpec;
}

/** The service's objects (deployment, services, pdb, hpa, ...), as buildService made them. */
export interface AiInferenceChart extends InferenceServiceConstructs {}

/**
 * One inference service: maps the validated spec onto the constructs. Everything is
 * validated before any object is built; relations between objects are checked at synth.
 */
export class AiInferenceChart extends Chart {
  readonly spec: AiInferenceSpec;
  /**
   * Findings that do not fail synth (e.g. AII-W001, no capacity headroom), less the ones the
   * spec suppresses; printed once when the chart is first synthesized.
   */
  readonly warnings: readonly Warning[];
  /** The warnings the spec suppresses (`warnings.suppress`), with their reasons; not printed. */
  readonly suppressedWarnings: readonly SuppressedWarning[];

  constructor(scope: Construct, id: string, props: AiInferenceChartProps) {
    // 1. Validate everything first, before the chart joins the app: every problem the spec
    // decides, the ones between objects too, is reported here at once, and an app that
    // catches the error and synthesizes anyway writes no file for this chart. What is left
    // for synth are the warnings.
    const { wirings, findings } = checkedWirings(`AiInferenceChart ${id}: spec`, props.spec);
    // Every object sets its own namespace; a chart-wide one would also land on the Namespace.
    super(scope, id, props);
    const spec = props.spec;
    this.spec = spec;
    const { shown, suppressed } = applySuppressions(findings.warnings, spec.warnings?.suppress);
    this.warnings = shown;
    this.suppressedWarnings = suppressed;

    // 2. Build.
    if (spec.createNamespace) {
      new k8s.KubeNamespace(this, 'Namespace', {
        // The readiness-gate label is the AWS Load Balancer Controller's: only with its NLB.
        metadata: { name: spec.namespace, labels: { [LABEL_MANAGED_BY]: MANAGED_BY, ...(needsReadinessGates(wirings) ? { [POD_READINESS_GATE_LABEL]: 'enabled' } : {}) } },
      });
    }
    Object.assign(this, buildService(this, spec, wirings));

    // 3. Output hygiene, after every object is built: the warnings are printed once, at the
    // chart's first synth (warnings.ts); in Helm mode every `{{`/`}}` the chart writes is
    // escaped (helm.ts).
    printOnceAtSynth(this, this.warnings);
    escapeForHelmAtSynth(this);
  }

  /**
   * Renders the chart as `Chart.toJson()` does, from its own constructs only: cdk8s checks
   * and resolves the whole App again for every chart it renders (App._synthChart), which
   * makes an App of N charts quadratic; `App.synth()` has checked the whole App once before
   * (synth.ts). A direct `toJson()` (`Testing.synth`) checks this chart, not the App's others.
   */
  override toJson(): any[] {
    return checkedAtSynth(`AiInferenceChart ${this.node.path}`, renderChart(this));
  }
}
