import { Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { describe, expect, it } from 'vitest';
import { livenessProbe, readinessProbe, startupFailureThreshold, startupProbe } from '../../src/pod/probes';
import { resolved } from './fixtures';

const onHttp = (path: string) => ({ path, port: k8s.IntOrString.fromString('http') });
const tcp = { port: k8s.IntOrString.fromString('http') };

describe('startupProbe', () => {
  it('allows 30 failures 10 s apart for the default 5 minute budget', () => {
    expect(startupProbe(resolved().probes)).toEqual({ tcpSocket: tcp, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 30 });
  });

  it('rounds the failure threshold up so that the probe covers the whole budget', () => {
    expect(startupFailureThreshold(Duration.seconds(100), Duration.seconds(30))).toBe(4);
    expect(startupFailureThreshold(Duration.minutes(15), Duration.seconds(15))).toBe(60);
    const probe = startupProbe(resolved({ probes: { startupBudget: Duration.seconds(100), startupPeriod: Duration.seconds(30) } }).probes);
    expect(probe.failureThreshold).toBe(Math.ceil(100 / 30));
    expect(probe.periodSeconds! * probe.failureThreshold!).toBeGreaterThanOrEqual(100);
  });

  it('keeps the startup timeout below its period, between 1 and 5 s', () => {
    const timeout = (s: number) => startupProbe(resolved({ probes: { startupPeriod: Duration.seconds(s) } }).probes).timeoutSeconds;
    expect(timeout(1)).toBe(1);
    expect(timeout(3)).toBe(2);
    expect(timeout(60)).toBe(5);
  });

  it('checks the process only, like liveness: the process-only path when given, never the dependency-aware one', () => {
    expect(startupProbe(resolved({ probes: { path: '/h', livenessPath: '/live', readinessPath: '/ready' } }).probes).httpGet).toEqual(onHttp('/live'));
    const byDefault = startupProbe(resolved({ probes: { path: '/h' } }).probes);
    expect(byDefault.tcpSocket).toEqual(tcp);
    expect(byDefault.httpGet).toBeUndefined();
  });
});

describe('livenessProbe and readinessProbe', () => {
  it('check liveness (TCP, no dependency) every 30 s and readiness (the health path) every 10 s, 5 s timeout and 3 failures, on the http port', () => {
    const probes = resolved().probes;
    expect(livenessProbe(probes)).toEqual({ tcpSocket: tcp, periodSeconds: 30, timeoutSeconds: 5, failureThreshold: 3 });
    expect(readinessProbe(probes)).toEqual({ httpGet: onHttp('/api/v1/health'), periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 });
  });

  it('use their own paths and timings when given', () => {
    const probes = resolved({
      probes: {
        livenessPath: '/live',
        readinessPath: '/ready',
        liveness: { period: Duration.seconds(20), timeout: Duration.seconds(2), failureThreshold: 6 },
        readiness: { period: Duration.seconds(5), timeout: Duration.seconds(1), failureThreshold: 1 },
      },
    }).probes;
    expect(livenessProbe(probes)).toEqual({ httpGet: onHttp('/live'), periodSeconds: 20, timeoutSeconds: 2, failureThreshold: 6 });
    expect(readinessProbe(probes)).toEqual({ httpGet: onHttp('/ready'), periodSeconds: 5, timeoutSeconds: 1, failureThreshold: 1 });
  });
});

describe('the startup budget the probe really grants', () => {
  it('is the failure threshold times the period, and the rollout deadline covers it', async () => {
    const { probedStartupBudget, resolveWorkload, rolloutProgressDeadline } = await import('../../src/spec/workload');
    const { startupProbe: probe } = await import('../../src/pod/probes');
    const { eksNlbSpec } = await import('../../examples/eks-nlb/spec');
    const probes = { startupBudget: Duration.seconds(1712), startupPeriod: Duration.seconds(1332) };
    expect(probedStartupBudget(probes).toSeconds()).toBe(2664);
    const w = resolveWorkload({ resources: eksNlbSpec.resources, probes, modelLoadTime: Duration.seconds(1712) } as any);
    const p = probe(w.probes);
    const granted = (p.failureThreshold ?? 0) * (p.periodSeconds ?? 0) + (p.initialDelaySeconds ?? 0);
    expect(granted).toBe(2664);
    expect(rolloutProgressDeadline(w)).toBeGreaterThan(granted);
  });
});
