/**
 * Reads a Service's NLB as AWS has it, through the AWS SDK's own ELBv2 client: finds it by
 * the controller's tags, then its attributes, listeners, target groups and target health.
 * Read-only (Describe* calls only).
 */
import {
  DescribeListenerAttributesCommand,
  DescribeListenerCertificatesCommand,
  DescribeListenersCommand,
  DescribeLoadBalancerAttributesCommand,
  DescribeLoadBalancersCommand,
  DescribeTagsCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  Listener,
  LoadBalancer,
  TargetGroup,
  TargetHealthDescription,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { CallContext, VerifyNlbError, explainAwsError } from './nlb-errors';
import { ELBV2_LIMITS, NLB_TAGS, SDK_RETRY, stackTagValue } from './nlb-facts';

export interface Elbv2ClientOptions {
  /** @default - the SDK's region chain (AWS_REGION, the profile's region) */
  readonly region?: string;
  /** An endpoint URL instead of the region's (tests, VPC endpoints). @default - the region's */
  readonly endpoint?: string;
  /** @default - the SDK's default credential chain */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string };
}

/**
 * An ELBv2 client with the standard retry mode (backoff with jitter; throttling and transient
 * errors retried) and SDK_RETRY.maxAttempts attempts per call.
 */
export function createElbv2Client(options: Elbv2ClientOptions): ElasticLoadBalancingV2Client {
  return new ElasticLoadBalancingV2Client({
    region: options.region,
    endpoint: options.endpoint,
    credentials: options.credentials,
    retryMode: SDK_RETRY.mode,
    maxAttempts: SDK_RETRY.maxAttempts,
  });
}

/** The Service whose NLB to find. */
export interface NlbLookup {
  readonly cluster: string;
  readonly namespace: string;
  readonly name: string;
}

export interface TaggedLoadBalancer {
  readonly loadBalancer: LoadBalancer;
  readonly tags: Readonly<Record<string, string>>;
}

export interface LiveTargetGroup {
  readonly targetGroup: TargetGroup;
  readonly attributes: Readonly<Record<string, string>>;
  readonly health: readonly TargetHealthDescription[];
}

export interface LiveListener {
  readonly listener: Listener;
  readonly attributes: Readonly<Record<string, string>>;
  /**
   * Every certificate of a TLS listener, the default first (DescribeListenerCertificates:
   * DescribeListeners shows the default one only). Empty for other protocols.
   */
  readonly certificates: readonly string[];
  /** The target group of the listener's forward action, when it is one of the NLB's. */
  readonly targetGroup?: LiveTargetGroup;
}

export interface LiveNlb {
  readonly loadBalancer: LoadBalancer;
  readonly tags: Readonly<Record<string, string>>;
  readonly attributes: Readonly<Record<string, string>>;
  readonly listeners: readonly LiveListener[];
  readonly targetGroups: readonly LiveTargetGroup[];
}

const toMap = (list: readonly { Key?: string; Value?: string }[] | undefined): Record<string, string> =>
  Object.fromEntries((list ?? []).filter((a) => a.Key !== undefined).map((a) => [a.Key!, a.Value ?? '']));

const isNotFound = (e: unknown) => (e as { name?: string })?.name === 'LoadBalancerNotFoundException';

/** Reads an account's NLBs through one client; every failure becomes a VerifyNlbError. */
export class NlbReader {
  constructor(
    private readonly client: ElasticLoadBalancingV2Client,
    private readonly where: Omit<CallContext, 'action'> = {},
  ) {}

  private async call<T>(action: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (e) {
      throw new VerifyNlbError(explainAwsError(e, { ...this.where, action }));
    }
  }

  /** Every load balancer of the account and region, following NextMarker to the last page. */
  async listLoadBalancers(): Promise<LoadBalancer[]> {
    return paged('DescribeLoadBalancers', async (marker) => {
      const page = await this.call('DescribeLoadBalancers', () => this.client.send(new DescribeLoadBalancersCommand({ Marker: marker })));
      return { items: page.LoadBalancers ?? [], next: page.NextMarker };
    });
  }

  /**
   * The tags of `arns`, ELBV2_LIMITS.describeTagsArns ARNs per DescribeTags call. A load
   * balancer deleted since it was listed fails its whole batch (LoadBalancerNotFound): that
   * batch is asked again one ARN at a time, and the deleted one left out.
   */
  async tagsOf(arns: readonly string[]): Promise<Map<string, Record<string, string>>> {
    const tags = new Map<string, Record<string, string>>();
    const describe = (batch: string[]) => this.client.send(new DescribeTagsCommand({ ResourceArns: batch }));
    const keep = (out: Awaited<ReturnType<typeof describe>>) => {
      for (const d of out.TagDescriptions ?? []) if (d.ResourceArn) tags.set(d.ResourceArn, toMap(d.Tags));
    };
    for (let i = 0; i < arns.length; i += ELBV2_LIMITS.describeTagsArns) {
      const batch = arns.slice(i, i + ELBV2_LIMITS.describeTagsArns);
      try {
        keep(await describe(batch));
      } catch (e) {
        if (!isNotFound(e)) throw new VerifyNlbError(explainAwsError(e, { ...this.where, action: 'DescribeTags' }));
        for (const arn of batch) {
          try {
            keep(await describe([arn]));
          } catch (one) {
            if (!isNotFound(one)) throw new VerifyNlbError(explainAwsError(one, { ...this.where, action: 'DescribeTags' }));
          }
        }
      }
    }
    return tags;
  }

  /** The load balancers tagged for `lookup`'s Service by the controller, and how many were scanned. */
  async findLoadBalancers(lookup: NlbLookup): Promise<{ matches: TaggedLoadBalancer[]; scanned: number }> {
    const all = await this.listLoadBalancers();
    const tags = await this.tagsOf(all.map((lb) => lb.LoadBalancerArn!).filter(Boolean));
    const stack = stackTagValue(lookup.namespace, lookup.name);
    const matches = all
      .map((loadBalancer) => ({ loadBalancer, tags: tags.get(loadBalancer.LoadBalancerArn!) ?? {} }))
      .filter(({ tags: t }) => t[NLB_TAGS.cluster] === lookup.cluster && t[NLB_TAGS.stack] === stack);
    return { matches, scanned: all.length };
  }

  /** Everything verify-nlb compares about one load balancer. */
  async read(found: TaggedLoadBalancer): Promise<LiveNlb> {
    const arn = found.loadBalancer.LoadBalancerArn!;
    const lbAttrs = await this.call('DescribeLoadBalancerAttributes', () => this.client.send(new DescribeLoadBalancerAttributesCommand({ LoadBalancerArn: arn })));

    const listeners: Listener[] = await paged('DescribeListeners', async (marker) => {
      const page = await this.call('DescribeListeners', () => this.client.send(new DescribeListenersCommand({ LoadBalancerArn: arn, Marker: marker })));
      return { items: page.Listeners ?? [], next: page.NextMarker };
    });
    const targetGroups: TargetGroup[] = await paged('DescribeTargetGroups', async (marker) => {
      const page = await this.call('DescribeTargetGroups', () => this.client.send(new DescribeTargetGroupsCommand({ LoadBalancerArn: arn, Marker: marker })));
      return { items: page.TargetGroups ?? [], next: page.NextMarker };
    });

    const liveGroups: LiveTargetGroup[] = [];
    for (const tg of targetGroups) {
      const tgArn = tg.TargetGroupArn!;
      const attrs = await this.call('DescribeTargetGroupAttributes', () => this.client.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: tgArn })));
      const health = await this.call('DescribeTargetHealth', () => this.client.send(new DescribeTargetHealthCommand({ TargetGroupArn: tgArn })));
      liveGroups.push({ targetGroup: tg, attributes: toMap(attrs.Attributes), health: health.TargetHealthDescriptions ?? [] });
    }

    const liveListeners: LiveListener[] = [];
    for (const listener of listeners) {
      const attrs = await this.call('DescribeListenerAttributes', () => this.client.send(new DescribeListenerAttributesCommand({ ListenerArn: listener.ListenerArn! })));
      const certificates: string[] = [];
      if (listener.Protocol === 'TLS') {
        const all = await paged('DescribeListenerCertificates', async (marker) => {
          const page = await this.call('DescribeListenerCertificates', () =>
            this.client.send(new DescribeListenerCertificatesCommand({ ListenerArn: listener.ListenerArn!, Marker: marker })),
          );
          return { items: (page.Certificates ?? []).flatMap((c) => (c.CertificateArn ? [{ arn: c.CertificateArn, isDefault: c.IsDefault === true }] : [])), next: page.NextMarker };
        });
        const defaults = (listener.Certificates ?? []).map((c) => c.CertificateArn!).filter(Boolean);
        certificates.push(...defaults, ...all.filter((c) => !c.isDefault && !defaults.includes(c.arn)).map((c) => c.arn));
      }
      const forward = (listener.DefaultActions ?? []).find((a) => a.Type === 'forward');
      const tgArn = forward?.TargetGroupArn ?? forward?.ForwardConfig?.TargetGroups?.[0]?.TargetGroupArn;
      liveListeners.push({ listener, attributes: toMap(attrs.Attributes), certificates, targetGroup: liveGroups.find((g) => g.targetGroup.TargetGroupArn === tgArn) });
    }
    liveListeners.sort((a, b) => (a.listener.Port ?? 0) - (b.listener.Port ?? 0));

    return { loadBalancer: found.loadBalancer, tags: found.tags, attributes: toMap(lbAttrs.Attributes), listeners: liveListeners, targetGroups: liveGroups };
  }
}

/**
 * Every item of a Marker/NextMarker-paged ELBv2 call. A marker seen twice is an endpoint that
 * pages wrongly (an echoing proxy, a broken test double): an error, not an endless loop.
 */
async function paged<T>(action: string, page: (marker: string | undefined) => Promise<{ items: readonly T[]; next?: string }>): Promise<T[]> {
  const all: T[] = [];
  const seen = new Set<string>();
  let marker: string | undefined;
  do {
    const result = await page(marker);
    all.push(...result.items);
    marker = result.next || undefined;
    if (marker !== undefined) {
      if (seen.has(marker)) throw new VerifyNlbError(`${action} returned the marker "${marker}" twice; the endpoint pages wrongly`);
      seen.add(marker);
    }
  } while (marker !== undefined);
  return all;
}
