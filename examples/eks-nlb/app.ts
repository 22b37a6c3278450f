import { App } from 'cdk8s';
import { AiInferenceChart } from '../../src';
import { eksNlbSpec } from './spec';

/** Adds the seeds 000/001 service to `app` as the chart `eks-nlb`. */
export function eksNlb(app: App): AiInferenceChart {
  return new AiInferenceChart(app, 'eks-nlb', { spec: eksNlbSpec });
}
