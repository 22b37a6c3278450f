import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { compareNlb, exitCodeOf } from '../../src/verify/nlb-compare';
import { explainAwsError } from '../../src/verify/nlb-errors';
import { expectedNlb } from '../../src/verify/nlb-expected';
import { createElbv2Client, NlbReader } from '../../src/verify/nlb-live';
import { findService } from '../../src/verify/nlb-manifest';
import { Elbv2Server, startElbv2Server } from './elbv2-server';
import { CERT, CLUSTER, FAKE_CREDENTIALS, LB_ARN, NAMESPACE, SERVICE, account, eksNlbManifests, theNlb } from './nlb-fixture';

let server: Elbv2Server;
let client: ElasticLoadBalancingV2Client;
let reader: NlbReader;
const lookup = { cluster: CLUSTER, namespace: NAMESPACE, name: SERVICE };

beforeEach(async () => {
  // No shared config file of the machine running the tests takes part (FIPS, retry settings).
  vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/verify-nlb-test/config');
  vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '/nonexistent/verify-nlb-test/credentials');
  server = await startElbv2Server(account(45, 41));
  client = createElbv2Client({ region: 'us-east-1', endpoint: server.url, credentials: FAKE_CREDENTIALS });
  reader = new NlbReader(client, { region: 'us-east-1', endpoint: server.url });
});
afterEach(async () => {
  vi.unstubAllEnvs();
  client.destroy();
  await server.close();
});

describe('NlbReader through the real ELBv2 SDK client', () => {
  it('configures the standard retry mode with 5 attempts', async () => {
    expect(await client.config.retryStrategy()).toMatchObject({ mode: 'standard' });
    expect(await client.config.maxAttempts()).toBe(5);
  });

  it('pages DescribeLoadBalancers to the end and batches DescribeTags by 20', async () => {
    const { matches, scanned } = await reader.findLoadBalancers(lookup);
    expect(scanned).toBe(45);
    expect(matches.map((m) => m.loadBalancer.LoadBalancerArn)).toEqual([LB_ARN]);
    expect(server.callsOf('DescribeLoadBalancers').map((c) => c.params.Marker)).toEqual([undefined, 'page-10', 'page-20', 'page-30', 'page-40']);
    const tagCalls = server.callsOf('DescribeTags');
    expect(tagCalls.map((c) => Object.keys(c.params).filter((k) => k.startsWith('ResourceArns.member.')).length)).toEqual([20, 20, 5]);
    // The batches cover every ARN once, in the order listed.
    const asked = tagCalls.flatMap((c) => Object.keys(c.params).filter((k) => k.startsWith('ResourceArns.member.')).map((k) => c.params[k]));
    expect(asked).toEqual(server.loadBalancers.map((lb) => lb.fields.LoadBalancerArn));
  });

  it('leaves out a load balancer deleted between DescribeLoadBalancers and DescribeTags', async () => {
    const gone = server.loadBalancers[7].fields.LoadBalancerArn;
    const hasGone = (p: Record<string, string>) => Object.values(p).includes(gone);
    server.failNext('DescribeTags', { status: 400, code: 'LoadBalancerNotFound', message: `One or more load balancers not found` }, 2, hasGone);
    const tags = await reader.tagsOf(server.loadBalancers.map((lb) => lb.fields.LoadBalancerArn));
    expect(tags.size).toBe(44);
    expect(tags.has(gone)).toBe(false);
    // The failed batch of 20 was asked again one ARN at a time.
    expect(server.callsOf('DescribeTags').map((c) => Object.keys(c.params).filter((k) => k.startsWith('ResourceArns.member.')).length)).toEqual([20, ...Array(20).fill(1), 20, 5]);
  });

  it('does not take a load balancer with the stack tag of another cluster', async () => {
    const { matches } = await reader.findLoadBalancers({ ...lookup, cluster: 'pixelated-staging-eks' });
    expect(matches.map((m) => m.loadBalancer.LoadBalancerName)).toEqual(['k8s-other-svc05-0a0b0c0d0e']);
  });

  it('reads the SDK shapes the XML carries: listeners, certificates, forward actions, target groups, health', async () => {
    const { matches } = await reader.findLoadBalancers(lookup);
    const live = await reader.read(matches[0]);
    expect(live.loadBalancer).toMatchObject({ Type: 'network', Scheme: 'internet-facing', State: { Code: 'active' } });
    expect(live.loadBalancer.CreatedTime).toEqual(new Date('2026-11-02T10:15:00.000Z'));
    expect(live.attributes['load_balancing.cross_zone.enabled']).toBe('true');
    expect(live.listeners.map((l) => [l.listener.Port, l.listener.Protocol])).toEqual([
      [80, 'TCP'],
      [443, 'TLS'],
    ]);
    expect(live.listeners[1].listener.Certificates).toEqual([{ CertificateArn: CERT }]);
    expect(live.listeners[0].attributes).toEqual({ 'tcp.idle_timeout.seconds': '300' });
    expect(live.listeners[1].targetGroup?.targetGroup).toMatchObject({ Port: 1, HealthCheckIntervalSeconds: 10, Matcher: { HttpCode: '200-399' }, TargetType: 'ip' });
    expect(live.targetGroups).toHaveLength(2);
    expect(live.targetGroups[0].health.map((h) => h.TargetHealth?.State)).toEqual(['healthy', 'healthy', 'healthy']);
    expect(live.targetGroups[0].attributes['deregistration_delay.timeout_seconds']).toBe('60');
  });

  it('finds a listener target group through a weighted forward config', async () => {
    const nlb = theNlb(server.loadBalancers);
    const l80 = nlb.listeners[0];
    l80.fields.DefaultActions = [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: nlb.targetGroups[0].fields.TargetGroupArn, Weight: 1 }] } }];
    const { matches } = await reader.findLoadBalancers(lookup);
    const live = await reader.read(matches[0]);
    expect(live.listeners[0].targetGroup?.targetGroup.TargetGroupArn).toBe(nlb.targetGroups[0].fields.TargetGroupArn);
  });

  it('retries Throttling on DescribeTags and then reads on', async () => {
    server.failNext('DescribeTags', { status: 400, code: 'Throttling', message: 'Rate exceeded' }, 2);
    const { matches } = await reader.findLoadBalancers(lookup);
    expect(matches).toHaveLength(1);
    const first = server.callsOf('DescribeTags').slice(0, 3).map((c) => c.params['ResourceArns.member.1']);
    expect(new Set(first).size).toBe(1);
    expect(server.callsOf('DescribeTags')).toHaveLength(5);
  });

  it('gives up after 5 throttled attempts with a message that says so', async () => {
    server.failNext('DescribeLoadBalancers', { status: 400, code: 'Throttling', message: 'Rate exceeded' }, 5);
    await expect(reader.findLoadBalancers(lookup)).rejects.toThrow(/^AWS kept throttling DescribeLoadBalancers \(Throttling\) after 5 attempts with the SDK's standard retry backoff \(request id [0-9a-f-]+\)/);
    expect(server.callsOf('DescribeLoadBalancers')).toHaveLength(5);
  });

  it('names the action of an AccessDeniedException and the Describe* permission', async () => {
    server.failNext('DescribeTargetHealth', { status: 400, code: 'AccessDeniedException', message: 'not authorized to perform: elasticloadbalancing:DescribeTargetHealth' });
    const { matches } = await reader.findLoadBalancers(lookup);
    await expect(reader.read(matches[0])).rejects.toThrow(
      /^AWS refused DescribeTargetHealth: AccessDeniedException: not authorized to perform: elasticloadbalancing:DescribeTargetHealth \(request id [0-9a-f-]+\)\. The caller needs the IAM permission elasticloadbalancing:DescribeTargetHealth; grant elasticloadbalancing:Describe\*/,
    );
  });

  it('compares to exit 0 when nothing drifted and 1 when the scheme did', async () => {
    const { service, replicas } = findService(eksNlbManifests(), NAMESPACE, SERVICE, 'eks-nlb');
    const expected = expectedNlb(service, replicas);
    const { matches } = await reader.findLoadBalancers(lookup);
    expect(exitCodeOf(compareNlb(expected, await reader.read(matches[0])))).toBe(0);
    theNlb(server.loadBalancers).fields.Scheme = 'internal';
    const again = await reader.findLoadBalancers(lookup);
    const rows = compareNlb(expected, await reader.read(again.matches[0]));
    expect(rows.filter((r) => r.status !== 'ok')).toEqual([{ status: 'drift', check: 'scheme', expected: 'internet-facing', live: 'internal', from: 'annotation aws-load-balancer-scheme' }]);
    expect(exitCodeOf(rows)).toBe(1);
  });

  it('compares further (SNI) certificates from DescribeListenerCertificates as a set', async () => {
    const second = CERT.replace('0f1e2d3c', '99999999');
    const { service, replicas } = findService(eksNlbManifests(), NAMESPACE, SERVICE, 'eks-nlb');
    service.metadata.annotations['service.beta.kubernetes.io/aws-load-balancer-ssl-cert'] = `${CERT},${second}`;
    const expected = expectedNlb(service, replicas);
    const { matches } = await reader.findLoadBalancers(lookup);
    const rows = compareNlb(expected, await reader.read(matches[0]));
    expect(rows.filter((r) => r.status !== 'ok')).toEqual([
      { status: 'drift', check: 'listener 443 further certificates', expected: second, live: '(none)', from: 'annotation aws-load-balancer-ssl-cert' },
    ]);
    expect(server.callsOf('DescribeListenerCertificates').map((c) => c.params.ListenerArn)).toEqual([theNlb(server.loadBalancers).listeners[1].fields.ListenerArn]);
    theNlb(server.loadBalancers).listeners[1].extraCertificates = [second];
    const live = await reader.read(matches[0]);
    expect(live.listeners[1].certificates).toEqual([CERT, second]);
    expect(compareNlb(expected, live).find((r) => r.check === 'listener 443 further certificates')).toMatchObject({ status: 'ok', live: second });
  });

  it('reports an extra listener the Service does not ask for as drift', async () => {
    const nlb = theNlb(server.loadBalancers);
    nlb.listeners.push({ fields: { ListenerArn: `${nlb.listeners[0].fields.ListenerArn}x`, Port: 8080, Protocol: 'TCP', DefaultActions: [] }, attributes: {} });
    const { service, replicas } = findService(eksNlbManifests(), NAMESPACE, SERVICE, 'eks-nlb');
    const { matches } = await reader.findLoadBalancers(lookup);
    const rows = compareNlb(expectedNlb(service, replicas), await reader.read(matches[0]));
    expect(rows.filter((r) => r.status !== 'ok')).toEqual([{ status: 'drift', check: 'listener 8080', expected: '(none)', live: 'TCP 8080', from: 'Service ports (no such port)' }]);
  });
});

describe('explainAwsError', () => {
  it('explains an unknown region by its DNS failure', () => {
    const e = Object.assign(new Error('getaddrinfo ENOTFOUND elasticloadbalancing.us-east-7.amazonaws.com'), { code: 'ENOTFOUND', hostname: 'elasticloadbalancing.us-east-7.amazonaws.com' });
    expect(explainAwsError(e, { action: 'DescribeLoadBalancers', region: 'us-east-7' })).toBe(
      'DescribeLoadBalancers: cannot resolve the ELBv2 endpoint of region us-east-7 (elasticloadbalancing.us-east-7.amazonaws.com) (ENOTFOUND): is "us-east-7" a region ELBv2 exists in (e.g. us-east-1, eu-west-1)? Check --region / AWS_REGION, and DNS from this machine',
    );
  });

  it('explains a missing region and missing credentials', () => {
    expect(explainAwsError(new Error('Region is missing'), { action: 'DescribeLoadBalancers' })).toBe(
      'no AWS region: pass --region (e.g. --region us-east-1) or set AWS_REGION, or a region in the profile of ~/.aws/config',
    );
    const creds = Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });
    expect(explainAwsError(creds, { action: 'DescribeLoadBalancers' })).toContain("no AWS credentials found for DescribeLoadBalancers: Could not load credentials from any providers. verify-nlb uses the SDK's standard chain");
  });

  it('explains credentials AWS does not accept', () => {
    const e = Object.assign(new Error('The security token included in the request is expired'), { name: 'ExpiredToken', $metadata: { requestId: 'r-1' } });
    expect(explainAwsError(e, { action: 'DescribeTags' })).toBe(
      'AWS did not accept the credentials for DescribeTags: ExpiredToken: The security token included in the request is expired (request id r-1). Refresh them (aws sso login, or new keys) or pick another profile with AWS_PROFILE',
    );
  });
});
