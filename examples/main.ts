import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { App, YamlOutputType } from 'cdk8s';
import { PrometheusAdapterRules } from '../src';
import { isHelmSynth } from '../src/chart/helm';
import { eksNlb } from './eks-nlb/app';
import { eksNlbKeda } from './eks-nlb-keda/app';
import { eksVllm } from './eks-vllm/app';
import { gkeL4 } from './gke-l4/app';
import { opifex } from './opifex/app';
import { sutazai } from './sutazai/app';

/**
 * Every example, one file per chart: dist/<chart>.k8s.yaml. The output folder comes from
 * the cdk8s CLI (CDK8S_OUTDIR; cdk8s.yaml `output: dist`).
 */
export function buildApp(): App {
  const app = new App({ yamlOutputType: YamlOutputType.FILE_PER_CHART });
  eksNlb(app);
  eksNlbKeda(app);
  eksVllm(app);
  gkeL4(app);
  opifex(app);
  sutazai(app);
  return app;
}

/**
 * Where the prometheus-adapter Helm values go, relative to the output folder: a folder of
 * its own, since it is not a Kubernetes manifest (`kubectl apply -f dist/` must not read it).
 * With `cdk8s synth --format helm` the output folder is the chart's templates/, which Helm
 * renders as manifests: the file then goes beside it, under the chart's own folder.
 */
export const ADAPTER_VALUES_FILE = join('helm', 'prometheus-adapter-values.yaml');

/**
 * The one prometheus-adapter values file serving every example's HPA (the adapter reads one
 * config per cluster): `helm upgrade --install prometheus-adapter
 * prometheus-community/prometheus-adapter -n monitoring -f dist/helm/prometheus-adapter-values.yaml`.
 */
export function adapterValuesYaml(app: App): string {
  return PrometheusAdapterRules.valuesYamlFor(PrometheusAdapterRules.allIn(app));
}

/** The path of the values file for `app`: under its output folder, or beside a Helm chart's templates/. */
export function adapterValuesPath(app: App): string {
  return join(isHelmSynth(app) ? dirname(app.outdir) : app.outdir, ADAPTER_VALUES_FILE);
}

if (require.main === module) {
  const app = buildApp();
  app.synth();
  const file = adapterValuesPath(app);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, adapterValuesYaml(app));
}
