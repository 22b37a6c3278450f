import { App, YamlOutputType } from 'cdk8s';
import { eksNlb } from './eks-nlb/app';
import { eksNlbKeda } from './eks-nlb-keda/app';

/**
 * Every example, one file per chart: dist/<chart>.k8s.yaml. The output folder comes from
 * the cdk8s CLI (CDK8S_OUTDIR; cdk8s.yaml `output: dist`).
 */
export function buildApp(): App {
  const app = new App({ yamlOutputType: YamlOutputType.FILE_PER_CHART });
  eksNlb(app);
  eksNlbKeda(app);
  return app;
}

if (require.main === module) buildApp().synth();
