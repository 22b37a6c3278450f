/**
 * Rendering one chart without the whole-App passes, so that an App of N AiInferenceCharts
 * synthesizes in time linear in N.
 *
 * Upstream (cdk8s 2.70.106, lib/app.js): `App.synth()` validates the whole App
 * (`validate(app)`: `node.validate()` on every construct) and resolves its dependencies
 * (`resolveDependencies(app)`) once, then calls `chart.toJson()` for every chart
 * (lib/chart.js `Chart.toJson` -> `App._synthChart`), and `_synthChart` runs
 * `resolveDependencies(app)` and `validate(app)` over the WHOLE App again before it renders
 * that one chart (`chartToKube(chart).map(obj => obj.toJson())`). An App of N charts is
 * therefore walked N+1 times, each walk visiting every construct of every chart: quadratic.
 * Upstream's own comment there treats validating the other charts' constructs again as an
 * accepted side effect, not a purpose.
 *
 * `renderChart` does what `_synthChart` does, restricted to the chart's own subtree, with
 * cdk8s's public API only (Node.findAll/validate/addDependency, Chart.of, DependencyGraph,
 * ApiObject.toJson):
 * - the dependency resolution of `resolveDependencies`, for the dependencies whose source is
 *   in the subtree. Those are the only ones that add edges DependencyGraph(chart.node) reads:
 *   the graph takes the dependencies of the subtree's nodes only, and an upstream dependency
 *   whose source is outside the subtree adds edges from outside nodes only (its source
 *   chart, and the ApiObjects under its source in that chart, are outside). The subtree is
 *   visited in the same order as in the App's preorder walk, so every node's dependency set
 *   is filled in the same order, and adding an existing dependency again is a no-op (a Set):
 *   after `App.synth()`'s own resolution this adds nothing;
 * - the validation of `validate`, for the subtree's constructs, throwing the same error text
 *   (`Validation failed with the following errors:\n  [<path>] <message>`);
 * - `chartToKube`: the subtree's DependencyGraph topology, the ApiObjects whose closest chart
 *   is this one, each rendered with its toJson.
 *
 * Within `App.synth()` (plain `cdk8s synth`) every construct of the App has already been
 * validated once by then, so errors anywhere still fail synth and every validation still
 * runs; the chart is checked once more on its own, a constant per chart. What differs from
 * upstream is only a direct `chart.toJson()` (`Testing.synth(chart)`): it checks this chart,
 * not the App's other charts. test/chart/synth.test.ts checks the output equal to upstream's
 * `Chart.prototype.toJson` and `App.synth()` files byte-identical to a plain Chart's.
 */
import { ApiObject, Chart, DependencyGraph } from 'cdk8s';
import { IConstruct } from 'constructs';

/** The chart's manifests, as `Chart.toJson()` renders them, from the chart's subtree alone. */
export function renderChart(chart: Chart): any[] {
  const subtree = chart.node.findAll();
  resolveSubtreeDependencies(subtree);
  validateSubtree(subtree);
  return new DependencyGraph(chart.node)
    .topology()
    .filter((x): x is ApiObject => x instanceof ApiObject)
    .filter((x) => Chart.of(x) === chart)
    .map((x) => x.toJson());
}

/** cdk8s app.js resolveDependencies, for the dependencies whose source is in `subtree`. */
function resolveSubtreeDependencies(subtree: readonly IConstruct[]): void {
  const isChart = (x: IConstruct): x is Chart => x instanceof Chart;
  // Nested charts: the parent depends on each child chart.
  for (const parent of subtree.filter(isChart)) {
    for (const child of parent.node.children.filter(isChart)) parent.node.addDependency(child);
  }
  // A construct dependency across charts becomes one between the charts.
  for (const { source, target } of dependenciesOf(subtree)) {
    const sourceChart = Chart.of(source);
    const targetChart = Chart.of(target);
    if (sourceChart !== targetChart) sourceChart.node.addDependency(targetChart);
  }
  // A construct dependency becomes one between every ApiObject under each side (in its own chart).
  const descendants = new Map<IConstruct, IConstruct[]>();
  const apiObjectsIn = (c: IConstruct, chart: Chart): ApiObject[] => {
    let all = descendants.get(c);
    if (!all) descendants.set(c, (all = c.node.findAll()));
    return all.filter((x): x is ApiObject => x instanceof ApiObject).filter((x) => Chart.of(x) === chart);
  };
  for (const { source, target } of dependenciesOf(subtree)) {
    const targets = apiObjectsIn(target, Chart.of(target));
    const sources = apiObjectsIn(source, Chart.of(source));
    for (const t of targets) for (const s of sources) if (t !== s) s.node.addDependency(t);
  }
}

function dependenciesOf(subtree: readonly IConstruct[]): { source: IConstruct; target: IConstruct }[] {
  return subtree.flatMap((source) => source.node.dependencies.map((target) => ({ source, target })));
}

/** cdk8s app.js validate, for the constructs of `subtree`. */
function validateSubtree(subtree: readonly IConstruct[]): void {
  const errors = subtree.flatMap((c) => c.node.validate().map((e) => `[${c.node.path}] ${e}`));
  if (errors.length > 0) throw new Error(`Validation failed with the following errors:\n  ${errors.join('\n  ')}`);
}
