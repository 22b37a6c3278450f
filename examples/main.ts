import { App, YamlOutputType } from 'cdk8s';
import { eksNlb } from './eks-nlb/app';

/** Every example, one file per chart: dist/<chart>.k8s.yaml. */
export function buildApp(outdir = 'dist'): App {
  const app = new App({ outdir, yamlOutputType: YamlOutputType.FILE_PER_CHART });
  eksNlb(app);
  return app;
}

if (require.main === module) buildApp().synth();
