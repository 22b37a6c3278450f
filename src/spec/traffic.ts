/**
 * The traffic section: the headless and internal Services (shared by every provider) and
 * the external load balancer, a union chosen by `provider`: `aws-nlb` (the AWS NLB, also
 * what a load balancer without a provider means) or `gke-l4` (GKE's L4 passthrough load
 * balancer). Each provider's options, ranges and defaults live in src/providers/.
 */
import { z } from 'zod';
import { withDefaults } from '../private/defaults';
import {
  NlbLoadBalancerOptions,
  ResolvedNlbLoadBalancer,
  nlbLoadBalancerObject,
  nlbLoadBalancerRules,
  resolveLoadBalancer,
} from '../providers/aws-nlb';
import { GkeL4LoadBalancerOptions, ResolvedGkeL4LoadBalancer, gkeL4LoadBalancerObject, gkeL4LoadBalancerRules, resolveGkeL4LoadBalancer } from '../providers/gke-l4';

// The NLB's options moved to providers/aws-nlb.ts; re-exported for existing imports.
export {
  DEFAULT_TLS_POLICY,
  NLB_ANNOTATION_PREFIX,
  NLB_DEFAULTS,
  NLB_LIMITS,
  NlbHealthCheck,
  NlbLoadBalancerOptions,
  NlbPort,
  ResolvedNlbLoadBalancer,
  nlbLoadBalancerSchema,
  resolveLoadBalancer,
} from '../providers/aws-nlb';
export { GkeL4LoadBalancerOptions, GkeL4Port, ResolvedGkeL4LoadBalancer, gkeL4LoadBalancerSchema, resolveGkeL4LoadBalancer } from '../providers/gke-l4';

/** The external load balancer, by provider. */
export type LoadBalancerOptions = NlbLoadBalancerOptions | GkeL4LoadBalancerOptions;

/** The load balancer providers. */
export type LoadBalancerProvider = 'aws-nlb' | 'gke-l4';

/** A load balancer with every default filled in, `provider` always set. */
export type ResolvedLoadBalancer = ResolvedNlbLoadBalancer | ResolvedGkeL4LoadBalancer;

/** The provider of a load balancer as written (`aws-nlb` when left out). */
export function loadBalancerProvider(lb: LoadBalancerOptions): LoadBalancerProvider {
  return lb.provider === 'gke-l4' ? 'gke-l4' : 'aws-nlb';
}

/** The load balancer as written, when it is an AWS NLB. */
export function asNlb(lb: LoadBalancerOptions | undefined): NlbLoadBalancerOptions | undefined {
  return lb && lb.provider !== 'gke-l4' ? lb : undefined;
}

/** The load balancer as written, when it is GKE's L4 load balancer. */
export function asGkeL4(lb: LoadBalancerOptions | undefined): GkeL4LoadBalancerOptions | undefined {
  return lb?.provider === 'gke-l4' ? lb : undefined;
}

/**
 * The union: the provider (left out: `aws-nlb`) picks the option, whose own fields and rules
 * then apply; an unknown provider is named with the ones there are.
 */
export const loadBalancerSchema = z
  .discriminatedUnion('provider', [nlbLoadBalancerObject, gkeL4LoadBalancerObject], {
    errorMap: (issue, ctx) =>
      issue.code === z.ZodIssueCode.invalid_union_discriminator
        ? { message: 'must be "aws-nlb" or "gke-l4" (left out, it means "aws-nlb"); pick one' }
        : { message: ctx.defaultError },
  })
  .superRefine((lb, ctx) => (lb.provider === 'gke-l4' ? gkeL4LoadBalancerRules(lb, ctx) : nlbLoadBalancerRules(lb, ctx))) satisfies z.ZodType<LoadBalancerOptions>;

/** Resolves a load balancer of either provider. */
export function resolveAnyLoadBalancer(lb: LoadBalancerOptions): ResolvedLoadBalancer {
  return lb.provider === 'gke-l4' ? resolveGkeL4LoadBalancer(lb) : resolveLoadBalancer(lb);
}

/** The three Services. */
export interface TrafficSpec {
  /**
   * The external load balancer: an AWS NLB (`provider` left out or `'aws-nlb'`) or GKE's L4
   * passthrough load balancer (`provider: 'gke-l4'`). @default - no external Service
   */
  readonly loadBalancer?: LoadBalancerOptions;
  /** @default true */
  readonly headless?: boolean;
  /**
   * The internal ClusterIP Service. The ServiceMonitor scrapes through it and the HPA's
   * latency signal is an Object metric on it, so it may be turned off only without them.
   * @default true
   */
  readonly internal?: boolean;
}

export const trafficSchema = z
  .object({ loadBalancer: loadBalancerSchema.optional(), headless: z.boolean().optional(), internal: z.boolean().optional() })
  .strict() satisfies z.ZodType<TrafficSpec>;

/** Defaults of the traffic section's pod Services. */
export const TRAFFIC_DEFAULTS: Required<Pick<TrafficSpec, 'headless' | 'internal'>> = { headless: true, internal: true };

/** The traffic section with every default filled in. */
export interface ResolvedTraffic {
  /** Undefined: no external Service. */
  readonly loadBalancer?: ResolvedLoadBalancer;
  readonly headless: boolean;
  readonly internal: boolean;
}

/**
 * Fills the traffic section: the headless and internal Services on unless turned off
 * ({@link TRAFFIC_DEFAULTS}), the load balancer by resolveLoadBalancer. A field written as
 * `undefined` takes its default.
 */
export function resolveTraffic(traffic: TrafficSpec | undefined): ResolvedTraffic {
  const { loadBalancer, ...defaulted } = traffic ?? {};
  return { ...withDefaults(TRAFFIC_DEFAULTS, defaulted), loadBalancer: loadBalancer && resolveAnyLoadBalancer(loadBalancer) };
}
