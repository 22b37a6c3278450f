import { App } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { AiInferenceChart } from '../../src';
import { eksNlbSpec } from '../../examples/eks-nlb/spec';

describe('the seed example', () => {
  it('synthesizes with exactly the four warnings the README names, each for a seed value kept on purpose', () => {
    const chart = new AiInferenceChart(new App(), 'eks-nlb', { spec: eksNlbSpec });
    expect(chart.warnings.map((w) => w.id).sort()).toEqual(['AII-W001', 'AII-W003', 'AII-W020', 'AII-W025']);
  });
});
