/**
 * Rules between the NLB and the NetworkPolicy: the policy must admit what the Services
 * promise (the load balancer's real sources) and nothing wider by default.
 *
 * Facts (AWS Load Balancer Controller, checked at v3.5.0):
 * - docs/guide/service/nlb.md, "Worker node security groups rules": with client IP
 *   preservation, client traffic comes from the source ranges and health checks from the
 *   NLB subnet CIDRs; without it, both come from the NLB subnet CIDRs.
 * - pkg/service/model_build_managed_sg.go, buildCIDRsFromSourceRanges: without source
 *   ranges the NLB's frontend security group (default since v2.6.0, docs/guide/service/nlb.md
 *   "Security group") admits 0.0.0.0/0.
 * - Under the VPC CNI, pod IPs are VPC IPs: an ipBlock of the VPC CIDR (or 0.0.0.0/0) admits
 *   every pod of the cluster.
 * - ELB docs (network/load-balancer-access-logs): access logs are written for TLS listeners
 *   only; an NLB has no redirect action, so a TCP listener cannot send clients to HTTPS.
 *
 * GKE's L4 passthrough load balancer (provider 'gke-l4'; sources in providers/gke-l4.ts):
 * client packets reach the node with their own source address; with externalTrafficPolicy
 * Local the node hands them to a pod on itself unchanged (the pod sees the client), with
 * Cluster they may be forwarded to another node after SNAT (the pod sees a node IP). Health
 * checks probe the node's health port (10256, or the Service's healthCheckNodePort), not the
 * pod, so the pod's policy admits the client ranges only: sourceRanges, else 0.0.0.0/0 (the
 * firewall rule GKE writes then admits everyone too). It has no subnets of its own.
 */
import { WARNING_IDS } from '../../conventions';
import { tcpListenerPorts, tlsListenerPorts } from '../../providers/aws-nlb';
import { ResolvedGkeL4LoadBalancer } from '../../providers/gke-l4';
import { DefaultedValue, formatProblem } from '../../spec/problems';
import { AiInferenceSpec, ResolvedSpec } from '../../spec/spec';
import { Findings, Warning } from './types';

/** Findings of the traffic section against the network policy, and of the NLB listeners. */
export function networkFindings(spec: AiInferenceSpec, resolved: ResolvedSpec): Findings {
  const errors: string[] = [];
  const warnings: Warning[] = [];
  const any = resolved.traffic.loadBalancer;
  if (any?.provider === 'gke-l4') return gkeL4Findings(spec, any);
  const lb = any;
  const policy = spec.networkPolicy;

  if (policy !== false) {
    const np = policy ?? {};
    if (lb && np.loadBalancerSubnets === undefined) {
      const what = lb.preserveClientIp ? 'its health checks' : 'its health checks and, without client IP preservation, all the traffic it forwards';
      errors.push(
        formatProblem(
          ['networkPolicy', 'loadBalancerSubnets'],
          undefined,
          `is needed with traffic.loadBalancer: ${what} come from the NLB's private IPs in its subnets, and the default-deny NetworkPolicy would drop them; set it to the CIDRs of the NLB's subnets (e.g. ['10.0.0.0/24', '10.0.1.0/24']), or set networkPolicy: false`,
        ),
      );
    }
    if (!lb && np.loadBalancerSubnets !== undefined) {
      errors.push(
        formatProblem(
          ['networkPolicy', 'loadBalancerSubnets'],
          np.loadBalancerSubnets,
          'admit a load balancer the spec does not have (no traffic.loadBalancer); drop loadBalancerSubnets or add the load balancer',
        ),
      );
    }
    if (np.vpcCidr !== undefined && np.webApp) {
      warnings.push({
        id: WARNING_IDS.vpcCidrAdmitsEveryPod,
        message: formatProblem(
          ['networkPolicy', 'vpcCidr'],
          np.vpcCidr,
          'admits every pod of the cluster to the http port (under the VPC CNI pod IPs are VPC IPs), so the webApp rule restricts nothing; the NLB needs only networkPolicy.loadBalancerSubnets: drop vpcCidr, or narrow it to the non-pod clients that need it',
        ),
      });
    }
    if (lb && lb.preserveClientIp && lb.sourceRanges === undefined && np.webApp) {
      warnings.push({
        id: WARNING_IDS.openClientRanges,
        message: formatProblem(
          ['traffic', 'loadBalancer', 'sourceRanges'],
          undefined,
          "let the NLB admit every client (0.0.0.0/0), so with client IP preservation the NetworkPolicy admits 0.0.0.0/0 to the http port, which under the VPC CNI includes every pod of the cluster and makes the webApp rule restrict nothing; set sourceRanges to the clients' CIDRs",
        ),
      });
    }
  }

  // Plaintext listeners beside TLS ones: an NLB cannot redirect to HTTPS, and its access
  // logs cover TLS listeners only.
  if (lb && tlsListenerPorts(lb).length > 0) {
    const tcp = new Set(tcpListenerPorts(lb));
    const given = spec.traffic?.loadBalancer?.ports;
    lb.ports.forEach((port, i) => {
      if (!tcp.has(port.port)) return;
      warnings.push({
        id: WARNING_IDS.plaintextListener,
        message: formatProblem(
          ['traffic', 'loadBalancer', 'ports', i],
          given ? port.port : new DefaultedValue(port.port),
          `is a plaintext TCP listener beside TLS ones: an NLB cannot redirect it to HTTPS and writes access logs for TLS listeners only, so its requests travel unencrypted and are never logged; to turn it off, set traffic.loadBalancer.ports without it (e.g. [{ name: 'https', port: 443 }])`,
        ),
      });
    });
  }
  return { errors, warnings };
}

/** The rules between GKE's L4 load balancer and the NetworkPolicy. */
function gkeL4Findings(spec: AiInferenceSpec, lb: ResolvedGkeL4LoadBalancer): Findings {
  const errors: string[] = [];
  const warnings: Warning[] = [];
  const policy = spec.networkPolicy;
  if (policy === false) return { errors, warnings };
  const np = policy ?? {};
  if (np.loadBalancerSubnets !== undefined) {
    errors.push(
      formatProblem(
        ['networkPolicy', 'loadBalancerSubnets'],
        np.loadBalancerSubnets,
        "are an AWS NLB setting: GKE's passthrough load balancer (traffic.loadBalancer.provider 'gke-l4') has no subnet of its own; client packets keep their addresses and its health checks reach the node, not the pod; drop loadBalancerSubnets",
      ),
    );
  }
  if (lb.externalTrafficPolicy === 'Cluster') {
    errors.push(
      formatProblem(
        ['traffic', 'loadBalancer', 'externalTrafficPolicy'],
        'Cluster',
        "lets a node forward load balancer traffic to a pod on another node after SNAT to its own IP, so the pods see node addresses, which the default-deny NetworkPolicy does not admit (it admits the client ranges); use 'Local' (the default: client IPs preserved, health-checked per node), or set networkPolicy: false",
      ),
    );
  }
  if (np.vpcCidr !== undefined && np.webApp) {
    warnings.push({
      id: WARNING_IDS.vpcCidrAdmitsEveryPod,
      message: formatProblem(
        ['networkPolicy', 'vpcCidr'],
        np.vpcCidr,
        "admits every pod of the cluster to the http port if the VPC CIDR holds the pod ranges (on a VPC-native GKE cluster pod IPs are VPC alias IPs), so the webApp rule restricts nothing; GKE's load balancer needs no vpcCidr: drop it, or narrow it to the non-pod clients that need it",
      ),
    });
  }
  if (lb.sourceRanges === undefined && np.webApp) {
    warnings.push({
      id: WARNING_IDS.openClientRanges,
      message: formatProblem(
        ['traffic', 'loadBalancer', 'sourceRanges'],
        undefined,
        `let GKE's load balancer admit every client (its firewall rule's source is 0.0.0.0/0), so with client IPs preserved the NetworkPolicy admits 0.0.0.0/0 to the http port, which may include every pod of the cluster and makes the webApp rule restrict nothing; set sourceRanges to the clients' CIDRs`,
      ),
    });
  }
  return { errors, warnings };
}
