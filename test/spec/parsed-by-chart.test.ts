import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { App, Chart } from 'cdk8s';
import { parseOrThrow, parsedByChart, recordedProblems } from '../../src/spec/problems';
import { AiInferenceChart } from '../../src/chart/ai-inference-chart';
import { InferenceDeployment } from '../../src/constructs/inference-deployment';
import { chartWirings } from '../../src/chart/wiring';
import { checkedWirings } from '../../src/chart/validate';
import { eksNlbSpec } from '../../examples/eks-nlb/spec';

const schema = z.object({ port: z.number().int().max(65535).default(8080) }).strict();

describe('props parsed by the chart are not parsed again by the construct', () => {
  it('records the parsed value on valid props, invisible to fields, JSON and strict schemas, carried by a spread', () => {
    const props = { port: 9000 };
    expect(recordedProblems(schema, props, (p) => p)).toEqual([]);
    expect(Object.keys(props)).toEqual(['port']);
    expect(JSON.stringify(props)).toBe('{"port":9000}');
    const { extra, ...rest } = { ...props, extra: 1 };
    expect(extra).toBe(1);
    expect(parsedByChart(schema, rest)?.data).toEqual({ port: 9000 });
    // The strict schema does not see the recorded key as a field.
    expect(schema.safeParse(rest).success).toBe(true);
  });

  it('records nothing on invalid props, and reports their problems', () => {
    const props = { port: 70000 };
    expect(recordedProblems(schema, props, (p) => ['spec', ...p])).toEqual([expect.stringMatching(/^spec\.port \(70000\)/)]);
    expect(parsedByChart(schema, props)).toBeUndefined();
  });

  it('a record answers only the schema and the fields it was made with; other props are parsed', () => {
    const props = { port: 1 };
    recordedProblems(schema, props, (p) => p);
    expect(parsedByChart(z.object({ port: z.number() }), props)).toBeUndefined();
    // A spread that overrides or adds a field carries the record, which no longer answers.
    expect(parsedByChart(schema, { ...props, port: 70000 })).toBeUndefined();
    expect(() => parseOrThrow(schema, { ...props, port: 70000 }, 'Test')).toThrow(/port \(70000\)/);
    expect(parsedByChart(schema, { ...props, other: 1 })).toBeUndefined();
    expect(() => parseOrThrow(schema, { port: -1.5 }, 'Test')).toThrow(/port \(-1\.5\)/);
  });

  it('the chart records the props it validated, and a construct built from the user\'s own props validates them', () => {
    expect(parsedByChart(chartWirings(eksNlbSpec).deployment.schema, chartWirings(eksNlbSpec).deployment.props)).toBeUndefined();
    const { wirings } = checkedWirings('Test', eksNlbSpec);
    expect(parsedByChart(wirings.deployment.schema, wirings.deployment.props)).toBeDefined();
    expect(parsedByChart(wirings.pdb.schema, { ...wirings.pdb.props })).toBeDefined();
    const chart = new Chart(new App(), 'user');
    expect(() => new InferenceDeployment(chart, 'd', { ...wirings.deployment.props, replicas: -1 })).toThrow(/replicas \(-1\)/);
    expect(() => new AiInferenceChart(new App(), 'svc', { spec: eksNlbSpec })).not.toThrow();
  });
});
