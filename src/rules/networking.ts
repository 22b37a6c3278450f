/**
 * Pack `networking`: selectors that select the pods they are meant for, Service target ports
 * that exist on those pods, and a NetworkPolicy that admits what an NLB sends.
 *
 * NLB sources (AWS Load Balancer Controller docs/guide/service/nlb.md, "Worker node security
 * groups rules", checked at v3.5.0; the same facts src/chart/findings/network.ts applies to
 * the library's own spec): with ip targets and client IP preservation the client packets
 * carry the client's address, which the NLB's security group limits to
 * spec.loadBalancerSourceRanges (0.0.0.0/0 without them); without preservation every packet
 * comes from the NLB's private IPs in its subnets. Health checks always come from those
 * private IPs. A NetworkPolicy that selects the pods must admit both, or the targets never
 * turn healthy.
 */
import { RULE_IDS } from '../conventions';
import { healthCheckPort, isAwsNlbService, nlbTargetType, preservesClientIp } from './aws-nlb';
import { cidrContains, cidrOverlaps } from './cidr';
import { problem } from './message';
import { annotationsOf, containerPorts, describeObject, isObject, labelsOf, mapSelectorMatches, namespaceOf, PodTemplate, selectorMatches, Workload } from './objects';
import { K8sObject, RawFinding, Rule, RuleContext } from './types';

/** Kinds whose `spec.selector` must select their own template (Jobs get theirs generated). */
const SELECTOR_KINDS: ReadonlySet<string> = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet']);

/** The workloads a Service's map selector selects. */
export function podsOfService(ctx: RuleContext, svc: K8sObject): Workload[] {
  const selector = isObject(svc.spec?.selector) ? svc.spec.selector : {};
  return ctx.workloadsIn(namespaceOf(svc)).filter((w) => mapSelectorMatches(selector, labelsOf(w.template.metadata)));
}

/** A Service port's target (`targetPort`, defaulting to `port`), resolved on a pod template to a number. */
function resolvePort(target: unknown, t: PodTemplate): number | undefined {
  if (typeof target === 'number') return target;
  if (typeof target === 'string' && /^\d+$/.test(target)) return Number(target);
  return typeof target === 'string' ? containerPorts(t).names.get(target) : undefined;
}

/** Whether a NetworkPolicy port entry (number, name, endPort range) admits a pod port. */
function policyPortAdmits(entry: K8sObject, port: number, t: PodTemplate): boolean {
  if (entry.protocol !== undefined && entry.protocol !== 'TCP') return false;
  if (entry.port === undefined) return true;
  const start = resolvePort(entry.port, t);
  if (start === undefined) return false;
  const end = typeof entry.endPort === 'number' ? entry.endPort : start;
  return port >= start && port <= end;
}

/** Whether an ingress rule's peers admit every address of `cidr` (an ipBlock containing it, minus no overlapping except). */
function peersAdmitCidr(peers: unknown, cidr: string): boolean {
  if (!Array.isArray(peers) || peers.length === 0) return true;
  return peers.some((p: K8sObject) => {
    const block = p?.ipBlock;
    if (!isObject(block) || typeof block.cidr !== 'string') return false;
    const except: unknown[] = Array.isArray(block.except) ? block.except : [];
    return cidrContains(block.cidr, cidr) && !except.some((e) => typeof e === 'string' && cidrOverlaps(e, cidr));
  });
}

const ANY_IPV4 = '0.0.0.0/0';

/**
 * The client ranges a Service's load balancer admits: spec.loadBalancerSourceRanges, else the
 * service.beta.kubernetes.io/load-balancer-source-ranges annotation (comma-separated), which
 * Kubernetes and the AWS Load Balancer Controller read when the field is empty
 * (aws-load-balancer-controller pkg/annotations/constants.go SvcLBSuffixSourceRanges), else
 * everyone.
 */
function clientSourceRanges(svc: K8sObject): { ranges: string[]; from: string } {
  const field = svc.spec?.loadBalancerSourceRanges;
  if (Array.isArray(field) && field.length > 0) return { ranges: field.map(String), from: 'spec.loadBalancerSourceRanges' };
  const annotation = annotationsOf(svc)[SOURCE_RANGES_ANNOTATION];
  const listed = typeof annotation === 'string' ? annotation.split(',').map((r) => r.trim()).filter(Boolean) : [];
  return listed.length > 0 ? { ranges: listed, from: SOURCE_RANGES_ANNOTATION } : { ranges: [ANY_IPV4], from: 'no loadBalancerSourceRanges: every client' };
}

/** The Service annotation Kubernetes and the controller read for the source ranges when the field is empty. */
const SOURCE_RANGES_ANNOTATION = 'service.beta.kubernetes.io/load-balancer-source-ranges';

/**
 * The container port a named health-check port means: the controller finds the Service port
 * of that name and probes its targetPort (aws-load-balancer-controller
 * buildTargetGroupHealthCheckPort), not a container port of that name.
 */
function namedServicePortTarget(svc: K8sObject, name: string, template: PodTemplate): number | undefined {
  const port = (Array.isArray(svc.spec?.ports) ? svc.spec.ports : []).find((p: K8sObject) => p?.name === name);
  return port ? resolvePort(port.targetPort ?? port.port, template) : undefined;
}

/**
 * Whether an ingress rule's peers admit some address block: the NLB's own IPs are no pod or
 * namespace a selector can name, so only an ipBlock admits them. Which block holds the NLB's
 * subnets cannot be told from the manifests (a VPC is usually in the private ranges, but AWS
 * lets it use any), so any ipBlock counts: the rule fails only where the NLB surely cannot
 * reach the pods.
 */
function peersAdmitIpBlock(peers: unknown): boolean {
  if (!Array.isArray(peers) || peers.length === 0) return true;
  return peers.some((p: K8sObject) => typeof p?.ipBlock?.cidr === 'string');
}

/** The policies that restrict ingress to pods of this template. */
function ingressPolicies(ctx: RuleContext, namespace: string, t: PodTemplate): K8sObject[] {
  return ctx.inNamespace('NetworkPolicy', namespace).filter((np) => {
    const types: unknown[] = Array.isArray(np.spec?.policyTypes) ? np.spec.policyTypes : ['Ingress'];
    return types.includes('Ingress') && selectorMatches(np.spec?.podSelector ?? {}, labelsOf(t.metadata));
  });
}

function admitted(policies: K8sObject[], t: PodTemplate, port: number, peersOk: (peers: unknown) => boolean): boolean {
  return policies.some((np) =>
    (Array.isArray(np.spec?.ingress) ? np.spec.ingress : []).some(
      (rule: K8sObject) => (!Array.isArray(rule?.ports) || rule.ports.length === 0 || rule.ports.some((e: K8sObject) => isObject(e) && policyPortAdmits(e, port, t))) && peersOk(rule?.from),
    ),
  );
}

export const NETWORKING_RULES: readonly Rule[] = [
  {
    id: RULE_IDS.deploymentSelectorMatchesTemplate,
    name: 'workload-selector-matches-template',
    pack: 'networking',
    level: 'error',
    summary: "A Deployment's (StatefulSet's, DaemonSet's, ReplicaSet's) selector selects its own pod template.",
    why: 'The API server refuses a workload whose selector does not match its template labels ("selector does not match template labels"), so the apply fails; and the selector is immutable, so getting it wrong once means deleting the workload to fix it.',
    fix: "Make spec.selector.matchLabels a subset of spec.template.metadata.labels (the library uses app.kubernetes.io/name and app.kubernetes.io/instance).",
    check(ctx) {
      const out: RawFinding[] = [];
      for (const o of ctx.objects.filter((x) => SELECTOR_KINDS.has(x.kind))) {
        const selector = o.spec?.selector;
        const labels = labelsOf(o.spec?.template?.metadata);
        if (!isObject(selector) || (!isObject(selector.matchLabels) && !Array.isArray(selector.matchExpressions))) {
          out.push({ object: o, path: 'spec.selector', message: problem('spec.selector', selector, 'is required and must select the pod template; set spec.selector.matchLabels to the selector labels of spec.template.metadata.labels') });
        } else if (!selectorMatches(selector, labels)) {
          out.push({ object: o, path: 'spec.selector', message: problem('spec.selector', selector, 'does not select spec.template.metadata.labels; the API server refuses the object: make matchLabels a subset of the template labels') });
        }
      }
      return out;
    },
  },
  {
    id: RULE_IDS.selectorMatchesNoPods,
    name: 'selector-matches-pods',
    pack: 'networking',
    level: 'error',
    summary: 'Service, PodDisruptionBudget and NetworkPolicy selectors select a pod template of the input (checked where the namespace has workloads in the input).',
    why: 'A selector that matches no pod is accepted by the API and does nothing: the Service has no endpoints (the NLB has no targets), the budget protects nothing, the policy restricts nothing. The usual cause is a label renamed on one side only.',
    fix: "Make the selector's labels a subset of the workload's pod template labels.",
    check(ctx) {
      const out: RawFinding[] = [];
      for (const o of ctx.objects) {
        const ns = namespaceOf(o);
        let matches: ((labels: Record<string, string>) => boolean) | undefined;
        let path = '';
        if (o.kind === 'Service' && isObject(o.spec?.selector) && Object.keys(o.spec.selector).length > 0) {
          matches = (labels) => mapSelectorMatches(o.spec.selector, labels);
          path = 'spec.selector';
        } else if (o.kind === 'PodDisruptionBudget' && isObject(o.spec?.selector)) {
          matches = (labels) => selectorMatches(o.spec.selector, labels);
          path = 'spec.selector';
        } else if (o.kind === 'NetworkPolicy' && isObject(o.spec?.podSelector) && (Object.keys(o.spec.podSelector.matchLabels ?? {}).length > 0 || (o.spec.podSelector.matchExpressions ?? []).length > 0)) {
          matches = (labels) => selectorMatches(o.spec.podSelector, labels);
          path = 'spec.podSelector';
        }
        if (!matches) continue;
        const workloads = ctx.workloadsIn(ns);
        if (workloads.length === 0) continue;
        if (workloads.some((w) => matches!(labelsOf(w.template.metadata)))) continue;
        out.push({ object: o, path, message: `${path} selects no pod template of the input in namespace ${ns || '(none)'} (workloads: ${workloads.map((w) => describeObject(w.object)).join(', ')}); match the pod template labels` });
      }
      return out;
    },
  },
  {
    id: RULE_IDS.serviceTargetPortExists,
    name: 'service-target-port-exists',
    pack: 'networking',
    level: 'error',
    summary: 'Every Service targetPort is a container port of the pods it selects (by name, or by number where the pods declare ports).',
    why: 'A named targetPort the pod does not declare gives the Service no endpoint for that port: the load balancer health checks fail and the listener serves nothing; a numeric one that no container listens on sends traffic into a closed port.',
    fix: 'Point targetPort at a containerPort name of the pod (e.g. http), or declare the port on the container.',
    check(ctx) {
      const out: RawFinding[] = [];
      for (const svc of ctx.ofKind('Service')) {
        if (svc.spec?.type === 'ExternalName') continue;
        const pods = podsOfService(ctx, svc);
        (Array.isArray(svc.spec?.ports) ? svc.spec.ports : []).forEach((p: K8sObject, i: number) => {
          const target = p?.targetPort ?? p?.port;
          for (const w of pods) {
            const ports = containerPorts(w.template);
            const named = typeof target === 'string' && !/^\d+$/.test(target);
            const ok = named ? ports.names.has(target) : !ports.declared || ports.numbers.has(Number(target));
            if (ok) continue;
            const path = `spec.ports[${i}].targetPort`;
            const have = [...ports.names.keys()].map((n) => `${n} (${ports.names.get(n)})`).join(', ') || [...ports.numbers].join(', ') || 'none';
            out.push({ object: svc, path, message: problem(path, target, `is not a container port of ${describeObject(w.object)} (its ports: ${have}); the Service port ${p?.name ?? p?.port} has no endpoint: use one of them`) });
          }
        });
      }
      return out;
    },
  },
  {
    id: RULE_IDS.networkPolicyAdmitsLoadBalancer,
    name: 'network-policy-admits-nlb',
    pack: 'networking',
    level: 'error',
    summary: "A NetworkPolicy that restricts the pods behind an ip-target NLB admits the NLB's sources: the clients (with client IP preservation) or the NLB's private IPs, and its health checks.",
    why: "With ip targets the NLB sends straight to the pod IPs, past kube-proxy, so the pods' NetworkPolicy decides. Health checks always come from the NLB's private IPs in its subnets; client traffic comes from the clients when client IP preservation is on (their ranges are spec.loadBalancerSourceRanges, everyone without them), else from those private IPs too. A policy that drops either leaves every target unhealthy or refuses the clients.",
    fix: "Add an ingress rule on the target port from ipBlocks of the NLB's subnet CIDRs (health checks, and all traffic without client IP preservation) and, with client IP preservation, from each of spec.loadBalancerSourceRanges.",
    check(ctx) {
      const out: RawFinding[] = [];
      for (const svc of ctx.ofKind('Service').filter((s) => isAwsNlbService(s) && nlbTargetType(s) === 'ip')) {
        const ns = namespaceOf(svc);
        const preserve = preservesClientIp(svc);
        const { ranges, from: rangesFrom } = clientSourceRanges(svc);
        const hcPort = healthCheckPort(svc);
        for (const w of podsOfService(ctx, svc)) {
          const policies = ingressPolicies(ctx, ns, w.template);
          if (!policies.length) continue;
          const where = `${policies.map(describeObject).join(', ')} (selecting ${describeObject(w.object)})`;
          (Array.isArray(svc.spec?.ports) ? svc.spec.ports : []).forEach((p: K8sObject, i: number) => {
            const target = resolvePort(p?.targetPort ?? p?.port, w.template);
            if (target === undefined) return; // service-target-port-exists reports it
            const path = `spec.ports[${i}]`;
            if (preserve) {
              const missing = ranges.filter((r) => !admitted(policies, w.template, target, (peers) => peersAdmitCidr(peers, r)));
              if (missing.length) {
                out.push({ object: svc, path, message: problem(path, p?.name ?? p?.port, `sends the clients' own addresses (client IP preservation) to port ${target}, but ${where} does not admit ${missing.join(', ')} (${rangesFrom}); add an ingress ipBlock for each range on that port, or set loadBalancerSourceRanges`) });
              }
            }
            const hcTarget = hcPort === 'traffic-port' ? target : /^\d+$/.test(hcPort) ? Number(hcPort) : namedServicePortTarget(svc, hcPort, w.template);
            const needsPrivate = !preserve ? [target] : [];
            if (hcTarget !== undefined && !needsPrivate.includes(hcTarget)) needsPrivate.push(hcTarget);
            for (const port of needsPrivate) {
              if (admitted(policies, w.template, port, peersAdmitIpBlock)) continue;
              const what = port === target && !preserve ? 'without client IP preservation, all its traffic and its health checks come' : 'its health checks come';
              out.push({ object: svc, path, message: problem(path, p?.name ?? p?.port, `needs the NLB's private IPs admitted to port ${port}: ${what} from its subnets, but ${where} admits no ipBlock there (selectors name pods and namespaces, never the NLB); add an ingress rule from the NLB subnet CIDRs`) });
            }
          });
        }
      }
      return dedupe(out);
    },
  },
];

/** One finding per object and message (several listeners can share a target port). */
function dedupe(findings: RawFinding[]): RawFinding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${describeObject(f.object)}\u0000${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
