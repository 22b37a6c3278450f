import { Duration } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { NLB_DEFAULTS, resolveLoadBalancer } from '../../src/spec/traffic';

describe('resolveLoadBalancer', () => {
  it('fills every default of the external Service', () => {
    const lb = resolveLoadBalancer({ scheme: 'internal' });
    expect(lb.scheme).toBe('internal');
    expect(lb.ports).toEqual(NLB_DEFAULTS.ports);
    expect(lb.tlsPorts).toEqual([443]);
    expect(lb.idleTimeout.toSeconds()).toBe(300);
    expect(lb.deregistrationDelay.toSeconds()).toBe(60);
    expect(lb.healthCheck).toEqual(NLB_DEFAULTS.healthCheck);
    expect(lb.certificateArns).toBeUndefined();
  });

  it('takes the default for a field written as undefined, instead of erasing it', () => {
    const lb = resolveLoadBalancer({ scheme: 'internal', idleTimeout: undefined, healthCheck: { interval: undefined, timeout: Duration.seconds(3) } });
    expect(lb.idleTimeout.toSeconds()).toBe(300);
    expect(lb.healthCheck.interval.toSeconds()).toBe(10);
    expect(lb.healthCheck.timeout.toSeconds()).toBe(3);
  });

  it('keeps what the user wrote', () => {
    const lb = resolveLoadBalancer({ scheme: 'internet-facing', crossZone: false, stickiness: 'none', idleTimeout: Duration.minutes(10) });
    expect(lb.crossZone).toBe(false);
    expect(lb.stickiness).toBe('none');
    expect(lb.idleTimeout.toSeconds()).toBe(600);
  });
});
