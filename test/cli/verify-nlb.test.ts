import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { memoryIo } from '../../src/cli/io';
import { run, summary } from '../../src/cli/verify-nlb';
import { Elbv2Server, startElbv2Server } from '../verify/elbv2-server';
import { CERT, CLUSTER, FAKE_CREDENTIALS, LB_ARN, NAMESPACE, SERVICE, account, eksNlbManifests, theNlb, writeManifest } from '../verify/nlb-fixture';

let manifest: ReturnType<typeof writeManifest>;
let server: Elbv2Server;

beforeAll(() => {
  manifest = writeManifest(eksNlbManifests());
});
afterAll(() => manifest.cleanup());

beforeEach(async () => {
  server = await startElbv2Server(account());
  // The CLI uses the SDK's standard credential chain: its first link reads these variables.
  vi.stubEnv('AWS_ACCESS_KEY_ID', FAKE_CREDENTIALS.accessKeyId);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', FAKE_CREDENTIALS.secretAccessKey);
  vi.stubEnv('AWS_SESSION_TOKEN', '');
  vi.stubEnv('AWS_PROFILE', '');
  vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
  // No shared config or credentials file of the machine running the tests takes part.
  vi.stubEnv('AWS_CONFIG_FILE', join(manifest.dir, 'no-aws-config'));
  vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', join(manifest.dir, 'no-aws-credentials'));
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await server.close();
});

const args = (...extra: string[]) => ['--manifest', manifest.file, '--service', `${NAMESPACE}/${SERVICE}`, '--cluster', CLUSTER, '--region', 'us-east-1', '--endpoint', server.url, ...extra];

async function verify(...extra: string[]) {
  const io = memoryIo();
  const code = await run(args(...extra), io);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
}

async function verifyJson(...extra: string[]) {
  const r = await verify('--format', 'json', ...extra);
  return { ...r, report: r.out ? JSON.parse(r.out) : undefined };
}

type JsonRow = { status: string; check: string; expected: string; live: string; from: string };
const rowOf = (report: { rows: JsonRow[] }, check: string) => {
  const r = report.rows.find((x) => x.check === check);
  if (!r) throw new Error(`no row "${check}" in ${report.rows.map((x) => x.check).join(', ')}`);
  return r;
};
const notOk = (report: { rows: JsonRow[] }) => report.rows.filter((r) => r.status !== 'ok');

describe('verify-nlb against a loopback ELBv2 endpoint (the real SDK client)', () => {
  it('exits 0 when the live NLB is exactly what the eks-nlb manifest asks for', async () => {
    const { code, report, err } = await verifyJson();
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(notOk(report)).toEqual([]);
    expect(report.loadBalancer.arn).toBe(LB_ARN);
    expect(rowOf(report, 'scheme')).toMatchObject({ expected: 'internet-facing', live: 'internet-facing', from: 'annotation aws-load-balancer-scheme' });
    expect(rowOf(report, 'attribute load_balancing.cross_zone.enabled')).toMatchObject({ expected: 'true', live: 'true' });
    expect(rowOf(report, 'attribute access_logs.s3.bucket')).toMatchObject({ expected: 'pixelated-nlb-access-logs', live: 'pixelated-nlb-access-logs' });
    expect(rowOf(report, 'listener 443 protocol')).toMatchObject({ expected: 'TLS', live: 'TLS' });
    expect(rowOf(report, 'listener 443 certificate')).toMatchObject({ expected: CERT, live: CERT });
    expect(rowOf(report, 'listener 443 ssl policy')).toMatchObject({ expected: 'ELBSecurityPolicy-TLS13-1-2-2021-06' });
    expect(rowOf(report, 'listener 80 protocol')).toMatchObject({ expected: 'TCP', live: 'TCP' });
    expect(rowOf(report, 'listener 80 attribute tcp.idle_timeout.seconds')).toMatchObject({ expected: '300', live: '300' });
    expect(rowOf(report, 'target group 443 target type')).toMatchObject({ expected: 'ip', live: 'ip' });
    expect(rowOf(report, 'target group 443 health check path')).toMatchObject({ expected: '/api/v1/health', live: '/api/v1/health' });
    expect(rowOf(report, 'target group 443 attribute deregistration_delay.timeout_seconds')).toMatchObject({ expected: '60', live: '60' });
    expect(rowOf(report, 'target group 80 attribute stickiness.type')).toMatchObject({ expected: 'source_ip', live: 'source_ip' });
    expect(rowOf(report, 'target group 80 healthy targets')).toMatchObject({ expected: '>= 3', live: '3 of 3', from: 'HorizontalPodAutoscaler/ai-inference-hpa minReplicas' });
    // Two listeners, each with its target group's 17 rows; the load balancer's 3 + 4 attributes.
    expect(report.rows).toHaveLength(7 + 5 + 2 + 2 * 15);
  });

  it('follows NextMarker over three pages and asks DescribeTags for at most 20 ARNs a call', async () => {
    const { code } = await verify();
    expect(code).toBe(0);
    const pages = server.callsOf('DescribeLoadBalancers');
    expect(pages.map((c) => c.params.Marker)).toEqual([undefined, 'page-10', 'page-20']);
    const tags = server.callsOf('DescribeTags');
    const batches = tags.map((c) => Object.keys(c.params).filter((k) => k.startsWith('ResourceArns.member.')).length);
    expect(batches).toEqual([20, 5]);
    expect(tags[1].params['ResourceArns.member.3']).toBe(LB_ARN);
    // Every call is the Query API of version 2015-12-01, signed for us-east-1 with the credentials of the chain.
    for (const c of server.calls) {
      expect(c.version).toBe('2015-12-01');
      expect(c.authorization).toContain(`Credential=${FAKE_CREDENTIALS.accessKeyId}/`);
      expect(c.authorization).toContain('/us-east-1/elasticloadbalancing/aws4_request');
    }
    expect(server.callsOf('DescribeTargetGroups').map((c) => c.params.LoadBalancerArn)).toEqual([LB_ARN]);
    expect(server.callsOf('DescribeTargetHealth')).toHaveLength(2);
    expect(server.callsOf('DescribeTargetGroupAttributes')).toHaveLength(2);
    expect(server.callsOf('DescribeListenerAttributes')).toHaveLength(2);
    // Only the TLS listener has certificates to list.
    expect(server.callsOf('DescribeListenerCertificates')).toHaveLength(1);
  });

  it('reports a drifted deregistration delay with the expected and live values and exits 1', async () => {
    theNlb(server.loadBalancers).targetGroups[1].attributes['deregistration_delay.timeout_seconds'] = '300';
    const { code, report } = await verifyJson();
    expect(code).toBe(1);
    expect(notOk(report)).toEqual([
      {
        status: 'drift',
        check: 'target group 443 attribute deregistration_delay.timeout_seconds',
        expected: '60',
        live: '300',
        from: 'annotation aws-load-balancer-target-group-attributes',
      },
    ]);
    expect(report.summary).toEqual({ ok: report.rows.length - 1, drift: 1, missing: 0 });
  });

  it('reports a missing listener and its target group as missing', async () => {
    const nlb = theNlb(server.loadBalancers);
    nlb.listeners = nlb.listeners.filter((l) => l.fields.Port !== 80);
    nlb.targetGroups = nlb.targetGroups.slice(1);
    const { code, report } = await verifyJson();
    expect(code).toBe(1);
    expect(notOk(report)).toEqual([
      { status: 'missing', check: 'listener 80', expected: 'TCP 80', live: '(none)', from: 'Service port' },
      { status: 'missing', check: 'target group 80', expected: 'TCP, ip targets', live: '(none) (no listener on 80)', from: 'Service port' },
    ]);
  });

  it('reports fewer healthy targets than the HPA minimum, with the unhealthy reason', async () => {
    theNlb(server.loadBalancers).targetGroups[1].targets[2].state = 'unhealthy';
    theNlb(server.loadBalancers).targetGroups[1].targets[2].reason = 'Target.FailedHealthChecks';
    const { code, report } = await verifyJson();
    expect(code).toBe(1);
    expect(notOk(report)).toEqual([
      {
        status: 'drift',
        check: 'target group 443 healthy targets',
        expected: '>= 3',
        live: '2 of 3 (1 unhealthy: Target.FailedHealthChecks)',
        from: 'HorizontalPodAutoscaler/ai-inference-hpa minReplicas',
      },
    ]);
  });

  it('prints an aligned text table with the summary line', async () => {
    theNlb(server.loadBalancers).targetGroups[1].attributes['deregistration_delay.timeout_seconds'] = '300';
    const { code, out } = await verify();
    expect(code).toBe(1);
    const lines = out.split('\n');
    expect(lines[0]).toBe(`Service ${NAMESPACE}/${SERVICE} in cluster ${CLUSTER} (region us-east-1)`);
    expect(lines).toContain(`  found by tags elbv2.k8s.aws/cluster=${CLUSTER}, service.k8s.aws/stack=${NAMESPACE}/${SERVICE} among 25 load balancers`);
    const header = lines.find((l) => l.startsWith('STATUS'))!;
    const drift = lines.find((l) => l.startsWith('DRIFT'))!;
    expect(drift).toMatch(/^DRIFT\s+target group 443 attribute deregistration_delay\.timeout_seconds\s+60\s+300\s+annotation aws-load-balancer-target-group-attributes$/);
    // Columns line up: LIVE starts at the same offset in the header and in the row.
    expect(drift.indexOf('300  ')).toBe(header.indexOf('LIVE'));
    expect(lines[lines.length - 1]).toBe(`${lines.filter((l) => l.startsWith('OK ')).length} ok, 1 drift, 0 missing`);
  });

  it('explains AccessDenied, naming the action and the IAM permission, and exits 2', async () => {
    server.failNext('DescribeTags', {
      status: 403,
      code: 'AccessDenied',
      message: `User: arn:aws:sts::123456789012:assumed-role/ci/verify is not authorized to perform: elasticloadbalancing:DescribeTags because no identity-based policy allows the elasticloadbalancing:DescribeTags action`,
    });
    const { code, out, err } = await verify();
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toContain('verify-nlb: AWS refused DescribeTags: AccessDenied: User: arn:aws:sts::123456789012:assumed-role/ci/verify is not authorized');
    expect(err).toContain('The caller needs the IAM permission elasticloadbalancing:DescribeTags; grant elasticloadbalancing:Describe*');
    // AccessDenied is not retried.
    expect(server.callsOf('DescribeTags')).toHaveLength(1);
  });

  it('writes the error as JSON on stdout too with --format json', async () => {
    server.failNext('DescribeLoadBalancers', { status: 403, code: 'AccessDenied', message: 'not authorized' });
    const { code, report } = await verifyJson();
    expect(code).toBe(2);
    expect(report).toMatchObject({ service: `${NAMESPACE}/${SERVICE}`, cluster: CLUSTER, region: 'us-east-1', exitCode: 2 });
    expect(report.error).toMatch(/^AWS refused DescribeLoadBalancers: AccessDenied: not authorized/);
  });

  it('lets the SDK retry a throttled call (standard retry mode) and then succeeds', async () => {
    server.failNext('DescribeLoadBalancers', { status: 400, code: 'Throttling', message: 'Rate exceeded' }, 1, (p) => p.Marker === 'page-10');
    const { code } = await verify();
    expect(code).toBe(0);
    expect(server.callsOf('DescribeLoadBalancers').map((c) => c.params.Marker)).toEqual([undefined, 'page-10', 'page-10', 'page-20']);
  });

  it('says which tags it searched and the likely causes when no load balancer matches, and exits 1', async () => {
    const io = memoryIo();
    const code = await run(['--manifest', manifest.file, '--service', `${NAMESPACE}/${SERVICE}`, '--cluster', 'pixelated-prd', '--region', 'us-east-1', '--endpoint', server.url], io);
    expect(code).toBe(1);
    const err = io.stderr.join('\n');
    expect(err).toContain(`no load balancer at ${server.url} has the tags elbv2.k8s.aws/cluster=pixelated-prd, service.k8s.aws/stack=${NAMESPACE}/${SERVICE} (25 scanned)`);
    expect(err).toContain("--cluster is not the controller's --cluster-name");
    expect(err).toContain(`kubectl -n ${NAMESPACE} describe service ${SERVICE}`);
    const out = io.stdout.join('\n');
    expect(out).toContain(`  no load balancer among 25 at ${server.url} has the tags elbv2.k8s.aws/cluster=pixelated-prd, service.k8s.aws/stack=${NAMESPACE}/${SERVICE}`);
    expect(out).toMatch(/^MISSING\s+load balancer\s+tags elbv2\.k8s…ck=pixelated-prod\/ai-inference-lb\s+\(none of 25\)/m);
    expect(out).toMatch(/0 ok, 0 drift, 1 missing$/);
  });

  it('refuses to pick when several load balancers carry the tags, listing them, and exits 2', async () => {
    const twin = structuredClone(theNlb(server.loadBalancers));
    twin.fields.LoadBalancerArn = LB_ARN.replace('8d2c1e0f9a7b6c5d', '1111111111111111');
    server.loadBalancers.push(twin);
    const { code, err } = await verify();
    expect(code).toBe(2);
    expect(err).toContain(`2 load balancers at ${server.url} have the tags elbv2.k8s.aws/cluster=${CLUSTER}, service.k8s.aws/stack=${NAMESPACE}/${SERVICE}: ${LB_ARN} (created 2026-11-02T10:15:00.000Z)`);
    expect(err).toContain('delete the stray one or fix the cluster name');
  });

  it('explains an endpoint that refuses connections', async () => {
    const url = server.url;
    await server.close();
    server = await startElbv2Server([]);
    const io = memoryIo();
    const code = await run(['--manifest', manifest.file, '--service', `${NAMESPACE}/${SERVICE}`, '--cluster', CLUSTER, '--region', 'us-east-1', '--endpoint', url], io);
    expect(code).toBe(2);
    expect(io.stderr.join('\n')).toContain(`DescribeLoadBalancers: cannot reach the endpoint ${url} (ECONNREFUSED)`);
  });
});

describe('verify-nlb arguments', () => {
  const bad = async (argv: string[]) => {
    const io = memoryIo({ env: {} });
    const code = await run(argv, io);
    return { code, err: io.stderr.join('\n') };
  };

  it('prints its help with the IAM permissions and exit codes', async () => {
    const io = memoryIo();
    expect(await run(['--help'], io)).toBe(0);
    const help = io.stdout.join('\n');
    expect(summary).toBe('Compare the live AWS NLB of a Service with its synthesized manifest');
    expect(help).toContain('elasticloadbalancing:DescribeTargetHealth');
    expect(help).toContain('Exit codes: 0 every check ok, 1 drift or missing, 2 bad arguments or an error.');
    expect(help).toContain('standard retry\nmode, at most 5 attempts');
  });

  it('refuses missing options, naming them', async () => {
    expect(await bad(['--manifest', 'x.yaml'])).toMatchObject({ code: 2, err: expect.stringContaining('verify-nlb: missing --service, --cluster') });
  });

  it('refuses a --service without a namespace', async () => {
    const r = await bad(['--manifest', 'x.yaml', '--service', 'ai-inference-lb', '--cluster', 'c']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--service "ai-inference-lb" must be <namespace>/<name>');
  });

  it('refuses an unknown format and an unknown option', async () => {
    expect((await bad(['--manifest', 'x', '--service', 'a/b', '--cluster', 'c', '--format', 'yaml'])).err).toContain('--format "yaml" must be text or json');
    expect((await bad(['--manifest', 'x', '--service', 'a/b', '--cluster', 'c', '--profile', 'p'])).err).toContain("Unknown option '--profile'");
  });

  it('refuses a region that is not a region name, naming where it came from; accepts the sovereign-cloud partition', async () => {
    const r = await bad(['--manifest', 'x', '--service', 'a/b', '--cluster', 'c', '--region', 'US East']);
    expect(r).toMatchObject({ code: 2, err: expect.stringContaining('region "US East" (--region) is not an AWS region name like us-east-1') });
    const io = memoryIo({ env: { AWS_DEFAULT_REGION: 'moon-1' } });
    expect(await run(['--manifest', 'x', '--service', 'a/b', '--cluster', 'c'], io)).toBe(2);
    expect(io.stderr.join('\n')).toContain('region "moon-1" (AWS_DEFAULT_REGION) is not an AWS region name');
    const sovereign = await bad(['--manifest', 'x', '--service', 'a/b', '--cluster', 'c', '--region', 'eusc-de-east-1']);
    expect(sovereign.err).not.toContain('is not an AWS region name');
  });

  it('refuses an --endpoint that is not a URL', async () => {
    expect((await bad(['--manifest', 'x', '--service', 'a/b', '--cluster', 'c', '--endpoint', 'localhost:4566'])).err).toContain('--endpoint "localhost:4566" must be an http(s) URL');
    expect((await bad(['--manifest', 'x', '--service', 'a/b', '--cluster', 'c', '--endpoint', 'not a url'])).err).toContain('--endpoint "not a url" is not a URL');
  });

  it('explains a manifest it cannot read, and a Service it does not hold', async () => {
    const missing = await bad(['--manifest', '/nonexistent/dist.yaml', '--service', 'a/b', '--cluster', 'c', '--region', 'us-east-1']);
    expect(missing).toMatchObject({ code: 2, err: expect.stringContaining('--manifest /nonexistent/dist.yaml: cannot read /nonexistent/dist.yaml (ENOENT); run cdk8s synth first') });
    const other = await bad(['--manifest', manifest.file, '--service', `${NAMESPACE}/web`, '--cluster', 'c', '--region', 'us-east-1']);
    expect(other.code).toBe(2);
    expect(other.err).toContain(`--service ${NAMESPACE}/web: no Service of that namespace and name in ${manifest.file}; its LoadBalancer Services: ${NAMESPACE}/${SERVICE}`);
    const internal = await bad(['--manifest', manifest.file, '--service', `${NAMESPACE}/ai-inference-internal`, '--cluster', 'c', '--region', 'us-east-1']);
    expect(internal.err).toContain('the Service is of type ClusterIP, not LoadBalancer');
  });
});
