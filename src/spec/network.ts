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
  /** VPC CIDR: NLB health checks and (without client IP preservation) all NLB traffic. @default - none */
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
  vpcCidr: zCidr.optional(),
  webApp: z.object({ podLabels: zLabelMap, namespace: zDnsLabel.optional() }).strict().optional(),
  monitoringNamespace: zDnsLabel.optional(),
  databases: z.object({ postgres: peerSchema.optional(), redis: peerSchema.optional(), mongodb: peerSchema.optional() }).strict().optional(),
  httpsEgress: z.union([z.literal(false), z.object({ cidr: zCidr, except: z.array(zCidr).optional() }).strict()]).optional(),
};

export const networkPolicySchema = z.object(networkPolicyFields).strict() satisfies z.ZodType<NetworkPolicySpec>;
