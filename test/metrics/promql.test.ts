import { parser } from '@prometheus-io/lezer-promql';
import { App, Chart } from 'cdk8s';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { eksNlbSpec } from '../../examples/eks-nlb/spec';
import { AiInferenceChart, PrometheusRules } from '../../src';
import { assertPromql, findPromqlSyntaxError, promqlShape } from '../../src/metrics/promql';
import { errorOf } from '../support';

/** A chart of the eks-nlb example under another release and namespace. */
function chartOf(release: string, namespace: string): AiInferenceChart {
  return new AiInferenceChart(new App(), release, { spec: { ...eksNlbSpec, release, namespace } });
}

/** The chart's rule named `alert` (its first rule of that name). */
function ruleOf(chart: AiInferenceChart, alert: string): { alert?: string; record?: string; expr: string } {
  const rule = chart.prometheusRules!.groups.flatMap((g) => g.rules).find((r) => r.alert === alert);
  if (!rule) throw new Error(`no rule ${alert}`);
  return rule;
}

afterEach(() => vi.restoreAllMocks());

describe('PromQL expression shapes', () => {
  it('empties single- and double-quoted strings, keeps everything else', () => {
    expect(promqlShape('sum by (pod) (rate(x{namespace="pixelated-prod",pod=~"ai-inference-.*"}[5m])) > 2')).toBe(
      'sum by (pod) (rate(x{namespace="",pod=~""}[5m])) > 2',
    );
    expect(promqlShape(`label_replace(x, 'dst', '$1', "src", "(.*)")`)).toBe(`label_replace(x, '', '', "", "")`);
    // A quote of the other kind inside a string is content.
    expect(promqlShape(`x{a='say "hi"'}`)).toBe(`x{a=''}`);
    // A quote in a comment is not a string; backtick strings stay as they are.
    expect(promqlShape('x # "not a string\n{a="b"} + {c=`raw "d"`}')).toBe('x # "not a string\n{a=""} + {c=`raw "d"`}');
  });

  it('gives no shape (the expression is parsed as written) to a string with a backslash or line break, or left open', () => {
    expect(promqlShape('x{a="b\\"c"}')).toBeUndefined();
    expect(promqlShape('x{a="b\nc"}')).toBeUndefined();
    expect(promqlShape('x{a="b}')).toBeUndefined();
    expect(promqlShape("x{a='b}")).toBeUndefined();
    expect(promqlShape('x{a=`b}')).toBeUndefined();
  });

  it('parses the expressions of a second chart with other names not at all: each shape is parsed once', () => {
    const parse = vi.spyOn(parser, 'parse');
    chartOf('shape-first', 'shape-ns-1');
    // Cold for this file's shapes of the eks-nlb chart; at least the rule file's expressions.
    const first = parse.mock.calls.length;
    parse.mockClear();
    const second = chartOf('shape-second', 'shape-ns-2');
    expect(parse.mock.calls.length).toBe(0);
    expect(first).toBeGreaterThan(0);
    // The second chart's expressions carry its own names: the cache changed no output.
    expect(ruleOf(second, 'InferenceErrorRateHigh').expr).toBe(
      'inference:request_errors:ratio_rate5m{namespace="shape-ns-2",job="shape-second-internal"} > 0.05',
    );
  });
});

describe('the synth-time syntax check with the shape cache warm', () => {
  it('still refuses a broken expression, with the message naming the rule, the offset and a caret', () => {
    const warm = chartOf('warm-a', 'warm-ns-a');
    const good = ruleOf(warm, 'InferenceErrorRateHigh').expr;
    expect(findPromqlSyntaxError(good)).toBeUndefined();
    // The same rule under other names, with its comparison cut off: `>` and no operand.
    const broken = 'inference:request_errors:ratio_rate5m{namespace="other-ns",job="other-internal"} >';
    const expected =
      'PrometheusRules warm/custom: rule group broken, rule InferenceErrorRateHigh: PromQL does not parse at offset 82; fix the expression:\n' +
      `${broken}\n${' '.repeat(82)}^`;
    const build = () =>
      new PrometheusRules(new Chart(new App(), 'warm'), 'custom', {
        name: 'custom',
        namespace: 'other-ns',
        groups: [{ name: 'broken', interval: '30s', rules: [{ alert: 'InferenceErrorRateHigh', expr: broken }] }],
      });
    expect(errorOf(build)).toBe(expected);
    // Again, after the first failure: a failure is never cached as a success.
    expect(errorOf(build)).toBe(expected);
  });

  it('refuses a broken expression whose only difference from a cached one is inside a string it cannot shape', () => {
    // `"a"b"` is the string "a", a name b and an open string: not the shape of job="a".
    assertPromql('warm rule', 'up{job="a"}');
    expect(errorOf(() => assertPromql('cold rule', 'up{job="a"b"}'))).toBe(
      'cold rule: PromQL does not parse at offset 10; fix the expression:\nup{job="a"b"}\n          ^',
    );
  });

  it('gives the same message warm as a fresh module does cold', async () => {
    const broken = ruleOf(chartOf('cold-b', 'cold-ns-b'), 'InferenceErrorRateHigh').expr.replace(' > 0.05', ' >');
    const warmMessage = errorOf(() => assertPromql('rule group g, rule InferenceErrorRateHigh', broken));
    vi.resetModules();
    const cold = await import('../../src/metrics/promql');
    expect(errorOf(() => cold.assertPromql('rule group g, rule InferenceErrorRateHigh', broken))).toBe(warmMessage);
    expect(warmMessage).toMatch(/^rule group g, rule InferenceErrorRateHigh: PromQL does not parse at offset \d+; fix the expression:\n/);
  });
});
