import { App } from 'cdk8s';
import { AiInferenceChart } from '../../src';
import { eksVllmSpec } from './spec';

/** Adds the vLLM Llama-3.1-70B service to `app` as the chart `eks-vllm`. */
export function eksVllm(app: App): AiInferenceChart {
  return new AiInferenceChart(app, 'eks-vllm', { spec: eksVllmSpec });
}
