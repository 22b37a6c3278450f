import { App } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { AiInferenceChart, AiInferenceSpec } from '../../src';
import { eksNlbSpec } from '../../examples/eks-nlb/spec';

const chartOf = (spec: AiInferenceSpec) => new AiInferenceChart(new App(), 'db', { spec });
const withPool = (connectionPoolSize: number, databaseMaxConnections?: number): AiInferenceSpec => ({
  ...eksNlbSpec,
  config: { ...eksNlbSpec.config, performance: { ...eksNlbSpec.config?.performance, connectionPoolSize, databaseMaxConnections } },
});
const poolWarnings = (spec: AiInferenceSpec) => chartOf(spec).warnings.filter((w) => w.id === 'AII-W027');

describe('database connection pools against the database limit', () => {
  it('warns when the pools of maxReplicas pods plus the surge pod exceed databaseMaxConnections', () => {
    // Seed: pool 100 per pod, 20 replicas at most, surge rollout: 2100 connections.
    expect(poolWarnings(withPool(100, 2000))).toEqual([
      {
        id: 'AII-W027',
        message:
          'config.performance.connectionPoolSize (100) × 20 pods at scaling.maxReplicas + 1 surge pod = 2100 connections, above config.performance.databaseMaxConnections (2000): at full scale new pods cannot connect and fail readiness just when the load needs them; lower the pool to at most 95, put a pooler (PgBouncer) in front of the database, or raise its max_connections',
      },
    ]);
  });

  it('stays quiet when the pools fit, and when no limit is declared', () => {
    expect(poolWarnings(withPool(100, 2100))).toEqual([]);
    expect(poolWarnings(withPool(100))).toEqual([]);
  });

  it('refuses a limit that is not a whole number of connections', () => {
    expect(() => chartOf(withPool(100, 0))).toThrow('config.performance.databaseMaxConnections (0) must be at least 1');
  });
});
