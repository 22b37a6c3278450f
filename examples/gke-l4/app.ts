import { App } from 'cdk8s';
import { AiInferenceChart } from '../../src';
import { gkeL4Spec } from './spec';

/** Adds the seed 004 service (GKE, L4 GPUs, queued provisioning) to `app` as the chart `gke-l4`. */
export function gkeL4(app: App): AiInferenceChart {
  return new AiInferenceChart(app, 'gke-l4', { spec: gkeL4Spec });
}
