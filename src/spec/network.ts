/**
 * The network policy section: who may reach the inference pods and what they may reach.
 */
import { z } from 'zod';
import { zCidr, zDnsLabel, zLabelMap } from './values';

/** Who a rule allows: an address block, or pods by labels (optionally in another namespace). */
export type NetworkPeer =
  | { readonly cidr: string; readonly except?: string[] }
  | { readonly podLabels?: Record<string, string>; readonly namespace?: string };

/** Openings of the default-deny NetworkPolicy. */
export interface NetworkPolicySpec {
  /**
   * CIDRs of the subnets the NLB sits in. Its health checks always come from its private
   * IPs there, and without client IP preservation so does all the traffic it forwards, so
   * the policy admits these to the serving port. The chart requires them with an NLB
   * (it cannot learn them; the default-deny policy would drop the health checks).
   * Source: aws-load-balancer-controller docs/guide/service/nlb.md, "Worker node security
   * groups rules" (v3.5.0): client traffic from the source ranges with client IP
   * preservation, else from the NLB subnet CIDRs; health checks from the NLB subnet CIDRs.
   * @default - none
   */
  readonly loadBalancerSubnets?: string[];
  /**
   * The whole VPC CIDR, admitted to the http port: for clients in the VPC that reach the
   * pod IPs directly (not through the NLB). Under the VPC CNI pod IPs are VPC IPs, so it
   * admits every pod of the cluster too (the chart warns when it sits beside `webApp`).
   * It is not needed for the NLB: use `loadBalancerSubnets`.
   * @default - none
   */
  readonly vpcCidr?: string;
  /** The web application's pods, allowed to the http port. @default - none */
  readonly webApp?: { readonly podLabels: Record<string, string>; readonly namespace?: string };
  /** Namespace of Prometheus, allowed to the metrics port. @default 'monitoring' */
  readonly monitoringNamespace?: string;
  /** Databases the pods may reach, each by CIDR or selector. @default {} */
  readonly databases?: { readonly postgres?: NetworkPeer; readonly redis?: NetworkPeer; readonly mongodb?: NetworkPeer };
  /** HTTPS egress (external APIs, model hubs). `false` disables it. @default - 0.0.0.0/0 on 443 */
  readonly httpsEgress?: false | { readonly cidr: string; readonly except?: string[] };
}

const peerSchema = z.union([
  z.object({ cidr: zCidr, except: z.array(zCidr).optional() }).strict(),
  z.object({ podLabels: zLabelMap.optional(), namespace: zDnsLabel.optional() }).strict(),
]) satisfies z.ZodType<NetworkPeer>;

export const networkPolicyFields = {
  loadBalancerSubnets: z.array(zCidr).min(1, 'must name at least one subnet CIDR when given; list the NLB subnets or leave it out').optional(),
  vpcCidr: zCidr.optional(),
  webApp: z.object({ podLabels: zLabelMap, namespace: zDnsLabel.optional() }).strict().optional(),
  monitoringNamespace: zDnsLabel.optional(),
  databases: z.object({ postgres: peerSchema.optional(), redis: peerSchema.optional(), mongodb: peerSchema.optional() }).strict().optional(),
  httpsEgress: z.union([z.literal(false), z.object({ cidr: zCidr, except: z.array(zCidr).optional() }).strict()]).optional(),
};

export const networkPolicySchema = z.object(networkPolicyFields).strict() satisfies z.ZodType<NetworkPolicySpec>;
