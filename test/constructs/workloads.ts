import { Chart } from 'cdk8s';
import { InferenceDeployment, InferenceDeploymentProps, WorkloadTarget } from '../../src';
import { eksNlbSpec } from '../../examples/eks-nlb/spec';

/** What the seed InferenceDeployment (release ai-inference in pixelated-prod) offers the constructs. */
export const SEED_WORKLOAD: WorkloadTarget = {
  name: 'ai-inference',
  namespace: 'pixelated-prod',
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  selectorLabels: { 'app.kubernetes.io/name': 'ai-inference', 'app.kubernetes.io/instance': 'ai-inference' },
  ports: { http: 8000, metrics: 9090 },
};

/** The seed InferenceDeployment (image and resources of examples/eks-nlb) in `chart`. */
export function seedDeployment(chart: Chart, props: Partial<InferenceDeploymentProps> = {}): InferenceDeployment {
  const { release, namespace, image, resources } = eksNlbSpec;
  return new InferenceDeployment(chart, 'Inference', { name: release, namespace, image, resources, ...props });
}
