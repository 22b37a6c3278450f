/**
 * A loopback ELBv2 endpoint for tests: answers the Query API (form-encoded POST, Action=...,
 * Version=2015-12-01) with XML shaped as in AWS's ELBv2 API reference
 * (<Action>Response/<Action>Result, lists as <member>, ResponseMetadata/RequestId; errors as
 * ErrorResponse/Error/Type,Code,Message + RequestId), so the real SDK client and its
 * deserializer read it. It records every call for the tests to assert.
 */
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

const XMLNS = 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/';

/** XML element values: arrays become <member> lists, objects nest, the rest is text. */
export type XmlValue = string | number | boolean | undefined | XmlValue[] | { [key: string]: XmlValue };

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function toXml(name: string, value: XmlValue): string {
  if (value === undefined) return '';
  if (Array.isArray(value)) return `<${name}>${value.map((v) => toXml('member', v)).join('')}</${name}>`;
  if (typeof value === 'object') return `<${name}>${Object.entries(value).map(([k, v]) => toXml(k, v)).join('')}</${name}>`;
  return `<${name}>${escape(String(value))}</${name}>`;
}

export interface FakeTargetGroup {
  /** Fields of the TargetGroup element (TargetGroupArn, Protocol, HealthCheck..., Matcher). */
  fields: Record<string, XmlValue> & { TargetGroupArn: string };
  attributes: Record<string, string>;
  targets: { id: string; port: number; state: string; reason?: string; description?: string }[];
}

export interface FakeListener {
  /** Fields of the Listener element (ListenerArn, Port, Protocol, Certificates, SslPolicy, DefaultActions). */
  fields: Record<string, XmlValue> & { ListenerArn: string; Port: number };
  attributes: Record<string, string>;
  /** Further (non-default) certificates of a TLS listener. @default none */
  extraCertificates?: string[];
}

export interface FakeLoadBalancer {
  /** Fields of the LoadBalancer element (LoadBalancerArn, LoadBalancerName, Type, Scheme, State, ...). */
  fields: Record<string, XmlValue> & { LoadBalancerArn: string };
  tags: Record<string, string>;
  attributes: Record<string, string>;
  listeners: FakeListener[];
  targetGroups: FakeTargetGroup[];
}

export interface RecordedCall {
  readonly action: string;
  readonly params: Record<string, string>;
  readonly version: string | null;
  readonly authorization: string | undefined;
}

export interface FakeError {
  readonly status: number;
  readonly code: string;
  readonly message: string;
}

export interface Elbv2Server {
  readonly url: string;
  readonly calls: RecordedCall[];
  /** The account's load balancers (tests may change them between runs). */
  readonly loadBalancers: FakeLoadBalancer[];
  /** Answers the next `times` calls of `action` (matching `when`, if given) with `error`. */
  failNext(action: string, error: FakeError, times?: number, when?: (params: Record<string, string>) => boolean): void;
  callsOf(action: string): RecordedCall[];
  close(): Promise<void>;
}

let requestCounter = 0;
const requestId = () => `00000000-0000-4000-8000-${String(++requestCounter).padStart(12, '0')}`;

/** Starts the server on 127.0.0.1:0 with `loadBalancers`, `pageSize` per DescribeLoadBalancers page. */
export async function startElbv2Server(loadBalancers: FakeLoadBalancer[], pageSize = 10): Promise<Elbv2Server> {
  const calls: RecordedCall[] = [];
  const failures: { action: string; error: FakeError; left: number; when?: (p: Record<string, string>) => boolean }[] = [];

  const respond = (res: ServerResponse, action: string, result: Record<string, XmlValue>) => {
    const id = requestId();
    const body =
      `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${XMLNS}">` +
      toXml(`${action}Result`, result) +
      `<ResponseMetadata><RequestId>${id}</RequestId></ResponseMetadata></${action}Response>`;
    res.writeHead(200, { 'content-type': 'text/xml', 'x-amzn-requestid': id });
    res.end(body);
  };
  const fail = (res: ServerResponse, error: FakeError) => {
    const id = requestId();
    const body =
      `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="${XMLNS}"><Error><Type>Sender</Type>` +
      `<Code>${escape(error.code)}</Code><Message>${escape(error.message)}</Message></Error><RequestId>${id}</RequestId></ErrorResponse>`;
    res.writeHead(error.status, { 'content-type': 'text/xml', 'x-amzn-requestid': id });
    res.end(body);
  };

  const lbByArn = (arn: string) => loadBalancers.find((lb) => lb.fields.LoadBalancerArn === arn);
  const tgByArn = (arn: string) => loadBalancers.flatMap((lb) => lb.targetGroups).find((tg) => tg.fields.TargetGroupArn === arn);
  const listenerByArn = (arn: string) => loadBalancers.flatMap((lb) => lb.listeners).find((l) => l.fields.ListenerArn === arn);
  const attrs = (map: Record<string, string>) => Object.entries(map).map(([Key, Value]) => ({ Key, Value }));
  const notFound = (what: string, arn: string): FakeError => ({ status: 400, code: `${what}NotFound`, message: `${what} '${arn}' not found` });

  const handle = (req: IncomingMessage, res: ServerResponse, raw: string) => {
    const form = new URLSearchParams(raw);
    const params = Object.fromEntries(form.entries());
    const action = params.Action ?? '';
    calls.push({ action, params, version: form.get('Version'), authorization: req.headers.authorization });
    const failure = failures.find((f) => f.action === action && f.left > 0 && (!f.when || f.when(params)));
    if (failure) {
      failure.left--;
      return fail(res, failure.error);
    }
    const list = (prefix: string) => Object.keys(params).filter((k) => k.startsWith(`${prefix}.member.`)).sort((a, b) => Number(a.split('.').pop()) - Number(b.split('.').pop())).map((k) => params[k]);

    switch (action) {
      case 'DescribeLoadBalancers': {
        const start = params.Marker ? Number(/^page-(\d+)$/.exec(params.Marker)?.[1] ?? NaN) : 0;
        if (Number.isNaN(start)) return fail(res, { status: 400, code: 'ValidationError', message: `Invalid marker '${params.Marker}'` });
        const page = loadBalancers.slice(start, start + pageSize);
        const next = start + pageSize < loadBalancers.length ? `page-${start + pageSize}` : undefined;
        return respond(res, action, { LoadBalancers: page.map((lb) => lb.fields), NextMarker: next });
      }
      case 'DescribeTags': {
        const arns = list('ResourceArns');
        if (arns.length > 20) return fail(res, { status: 400, code: 'ValidationError', message: 'You can specify up to 20 resources' });
        const out: XmlValue[] = [];
        for (const arn of arns) {
          const lb = lbByArn(arn);
          if (!lb) return fail(res, notFound('LoadBalancer', arn));
          out.push({ ResourceArn: arn, Tags: Object.entries(lb.tags).map(([Key, Value]) => ({ Key, Value })) });
        }
        return respond(res, action, { TagDescriptions: out });
      }
      case 'DescribeLoadBalancerAttributes': {
        const lb = lbByArn(params.LoadBalancerArn);
        if (!lb) return fail(res, notFound('LoadBalancer', params.LoadBalancerArn));
        return respond(res, action, { Attributes: attrs(lb.attributes) });
      }
      case 'DescribeListeners': {
        const lb = lbByArn(params.LoadBalancerArn);
        if (!lb) return fail(res, notFound('LoadBalancer', params.LoadBalancerArn));
        return respond(res, action, { Listeners: lb.listeners.map((l) => l.fields) });
      }
      case 'DescribeListenerAttributes': {
        const l = listenerByArn(params.ListenerArn);
        if (!l) return fail(res, notFound('Listener', params.ListenerArn));
        return respond(res, action, { Attributes: attrs(l.attributes) });
      }
      case 'DescribeListenerCertificates': {
        const l = listenerByArn(params.ListenerArn);
        if (!l) return fail(res, notFound('Listener', params.ListenerArn));
        const defaults = ((l.fields.Certificates as { CertificateArn: string }[] | undefined) ?? []).map((c) => ({ CertificateArn: c.CertificateArn, IsDefault: true }));
        return respond(res, action, { Certificates: [...defaults, ...(l.extraCertificates ?? []).map((CertificateArn) => ({ CertificateArn, IsDefault: false }))] });
      }
      case 'DescribeTargetGroups': {
        const lb = lbByArn(params.LoadBalancerArn);
        if (!lb) return fail(res, notFound('LoadBalancer', params.LoadBalancerArn));
        return respond(res, action, { TargetGroups: lb.targetGroups.map((tg) => tg.fields) });
      }
      case 'DescribeTargetGroupAttributes': {
        const tg = tgByArn(params.TargetGroupArn);
        if (!tg) return fail(res, notFound('TargetGroup', params.TargetGroupArn));
        return respond(res, action, { Attributes: attrs(tg.attributes) });
      }
      case 'DescribeTargetHealth': {
        const tg = tgByArn(params.TargetGroupArn);
        if (!tg) return fail(res, notFound('TargetGroup', params.TargetGroupArn));
        return respond(res, action, {
          TargetHealthDescriptions: tg.targets.map((t) => ({
            Target: { Id: t.id, Port: t.port },
            HealthCheckPort: String(t.port),
            TargetHealth: { State: t.state, Reason: t.reason, Description: t.description },
          })),
        });
      }
      default:
        return fail(res, { status: 400, code: 'InvalidAction', message: `The action ${action} is not valid for this web service.` });
    }
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    loadBalancers,
    failNext: (action, error, times = 1, when) => failures.push({ action, error, left: times, when }),
    callsOf: (action) => calls.filter((c) => c.action === action),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections();
      }),
  };
}
