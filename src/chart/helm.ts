/**
 * Output for Helm. `cdk8s synth --format helm` writes the manifests into the `templates/`
 * folder of a Helm chart, and Helm runs every template file through Go's text/template
 * before it reads the YAML, so the literal `{{ $value }}` of an alert annotation (a
 * Prometheus template) or the `{{pod}}` of a dashboard legend would be executed by Helm
 * and fail (`function "pod" not defined`, or `$value` undefined). In Helm mode every `{{`
 * and `}}` in the strings the chart writes is escaped the way Helm charts escape
 * Prometheus templates (kube-prometheus-stack: `{{`{{`}} $labels.pod {{`}}`}}`): a Go raw
 * string inside an action prints the braces verbatim, so Helm renders back the original
 * text.
 *
 * The cdk8s CLI passes the app no flag for the format; it only sets CDK8S_OUTDIR, which in
 * helm mode is `<output>/templates`, after it has written `<output>/Chart.yaml`. That is
 * the signal: a chart synthesized into the templates folder of a Helm chart is rendered by
 * Helm. The app context key HELM_CONTEXT_KEY overrides it either way.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ApiObject, App } from 'cdk8s';
import { Construct } from 'constructs';
import { HELM_CONTEXT_KEY } from '../conventions';

/**
 * Escapes `text` for Go's text/template (Helm): every run of braces that holds `{{` or `}}`
 * becomes an action printing that run as a raw string (`{{` -> {{`{{`}}). Runs are taken
 * whole, so the braces around an escape are never braces (`{}}` stays one unit).
 */
export function escapeHelmTemplate(text: string): string {
  return text.replace(/[{}]*(?:\{\{|\}\})[{}]*/g, (run) => `{{\`${run}\`}}`);
}

/** The inverse of escapeHelmTemplate (what Helm renders). */
export function unescapeHelmTemplate(text: string): string {
  return text.replace(/\{\{`([{}]+)`\}\}/g, '$1');
}

/** Every string (and key) of a JSON value, escaped for Helm. */
export function escapeHelmStrings<T>(value: T): T {
  if (typeof value === 'string') return escapeHelmTemplate(value) as T;
  if (Array.isArray(value)) return value.map(escapeHelmStrings) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [escapeHelmTemplate(k), escapeHelmStrings(v)])) as T;
  }
  return value;
}

/**
 * Whether `scope` is synthesized for Helm: the context key HELM_CONTEXT_KEY when set
 * (`true`/`false`, or the strings), else whether the App's output folder is the
 * `templates/` folder of a Helm chart (a Chart.yaml beside it), as `cdk8s synth --format
 * helm` lays it out.
 */
export function isHelmSynth(scope: Construct): boolean {
  const forced: unknown = scope.node.tryGetContext(HELM_CONTEXT_KEY);
  if (forced !== undefined) return forced === true || forced === 'true';
  const root = scope.node.root;
  if (!(root instanceof App)) return false;
  const outdir = resolve(root.outdir);
  return basename(outdir) === 'templates' && existsSync(join(dirname(outdir), 'Chart.yaml'));
}

/**
 * Makes every ApiObject under `scope` (the ones it holds now) render its strings escaped
 * for Helm when it is synthesized in Helm mode (decided at synth), and unchanged otherwise.
 * Covers every way cdk8s serializes an object (App.synth in each output type,
 * Chart.toJson, Testing.synth), since each goes through ApiObject.toJson.
 */
export function escapeForHelmAtSynth(scope: Construct): void {
  for (const obj of scope.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c))) {
    const render = obj.toJson.bind(obj);
    obj.toJson = () => (isHelmSynth(obj) ? escapeHelmStrings(render()) : render());
  }
}
