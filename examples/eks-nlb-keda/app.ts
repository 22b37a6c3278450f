import { App } from 'cdk8s';
import { AiInferenceChart } from '../../src';
import { eksNlbSpec } from '../eks-nlb/spec';

/**
 * The seeds 000/001 service with the KEDA backend: a ScaledObject with prometheus, cpu and
 * memory triggers instead of an HPA plus prometheus-adapter rules. Same bounds and behavior.
 */
export function eksNlbKeda(app: App): AiInferenceChart {
  return new AiInferenceChart(app, 'eks-nlb-keda', {
    spec: {
      ...eksNlbSpec,
      scaling: {
        ...eksNlbSpec.scaling,
        backend: 'keda',
        keda: { serverAddress: 'http://kube-prometheus-stack-prometheus.monitoring.svc:9090' },
      },
    },
  });
}
