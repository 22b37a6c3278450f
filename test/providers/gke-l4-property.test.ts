import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GkeL4LoadBalancerOptions, validateSpec } from '../../src';
import { expectValidManifests } from '../helpers/k8s-schema';
import { only } from '../support';
import { gkeSpec, synthSpec } from './fixtures';

const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

/** Any GKE load balancer the rules accept (the scheme-specific fields only with their scheme). */
const validLb: fc.Arbitrary<Partial<GkeL4LoadBalancerOptions>> = fc
  .record({
    scheme: fc.constantFrom('external' as const, 'internal' as const),
    selectBy: opt(fc.constantFrom('annotation' as const, 'loadBalancerClass' as const)),
    named: fc.boolean(),
    port: fc.integer({ min: 1, max: 65535 }),
    sourceRanges: opt(fc.constantFrom(['198.51.100.0/24'], ['10.0.0.0/8', '192.0.2.0/24'])),
    global: opt(fc.boolean()),
    tier: opt(fc.constantFrom('Premium' as const, 'Standard' as const)),
    weighted: opt(fc.boolean()),
    staticIp: opt(fc.constantFrom('203.0.113.10', '10.1.2.3')),
  })
  .map((r) => ({
    scheme: r.scheme,
    selectBy: r.selectBy,
    name: r.named ? 'ai-inference' : undefined,
    ports: [{ name: 'http', port: r.port }],
    sourceRanges: r.sourceRanges && [...r.sourceRanges],
    allowGlobalAccess: r.scheme === 'internal' ? r.global : undefined,
    networkTier: r.scheme === 'external' ? r.tier : undefined,
    weightedLoadBalancing: r.weighted,
    staticIp: r.staticIp,
  }));

describe('gke-l4: any accepted load balancer', () => {
  it('synthesizes a schema-valid Service with exactly the annotations its options ask for', () => {
    fc.assert(
      fc.property(validLb, (lb) => {
        expect(validateSpec(gkeSpec(lb))).toEqual([]);
        const objects = synthSpec(gkeSpec(lb));
        expectValidManifests(objects);
        const svc = only(objects, 'Service', lb.name ?? 'ai-inference-lb');
        const a = svc.metadata.annotations ?? {};
        const byClass = lb.selectBy === 'loadBalancerClass';
        expect(a['cloud.google.com/l4-rbs']).toBe(!byClass && lb.scheme === 'external' ? 'enabled' : undefined);
        expect(a['networking.gke.io/load-balancer-type']).toBe(!byClass && lb.scheme === 'internal' ? 'Internal' : undefined);
        expect(svc.spec.loadBalancerClass).toBe(byClass ? `networking.gke.io/l4-regional-${lb.scheme}` : undefined);
        expect(a['networking.gke.io/internal-load-balancer-allow-global-access']).toBe(lb.allowGlobalAccess ? 'true' : undefined);
        expect(a['cloud.google.com/network-tier']).toBe(lb.networkTier);
        expect(a['networking.gke.io/weighted-load-balancing']).toBe(lb.weightedLoadBalancing ? 'pods-per-node' : undefined);
        expect(svc.spec.loadBalancerIP).toBe(lb.staticIp);
        expect(svc.spec.externalTrafficPolicy).toBe('Local');
        expect(Object.keys(a).every((k) => k.startsWith('cloud.google.com/') || k.startsWith('networking.gke.io/'))).toBe(true);
        const http = only(objects, 'NetworkPolicy').spec.ingress.find((r: any) => r.ports.some((p: any) => p.port === 'http'));
        expect(http.from.map((f: any) => f.ipBlock.cidr)).toEqual(lb.sourceRanges ?? ['0.0.0.0/0']);
      }),
      { numRuns: 40 },
    );
  });
});
