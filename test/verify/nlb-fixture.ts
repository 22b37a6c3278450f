/**
 * The eks-nlb example as verify-nlb sees it: its manifests synthesized by the library and
 * written to a temp file, and an AWS account (for the loopback ELBv2 server) holding the NLB
 * the controller would have built for it, among unrelated load balancers.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testing } from 'cdk8s';
import { stringify } from 'yaml';
import { eksNlbSpec } from '../../examples/eks-nlb/spec';
import { AiInferenceChart } from '../../src';
import { FakeLoadBalancer, FakeTargetGroup } from './elbv2-server';

export const CLUSTER = 'pixelated-prod-eks';
export const NAMESPACE = 'pixelated-prod';
export const SERVICE = 'ai-inference-lb';
export const CERT = 'arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b';
export const ACCOUNT = '123456789012';
export const LB_NAME = 'k8s-pixelate-aiinfere-5c1f0a9b2e';
export const LB_ARN = `arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:loadbalancer/net/${LB_NAME}/8d2c1e0f9a7b6c5d`;
const TG_ARN = (port: number) => `arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:targetgroup/k8s-pixelate-aiinfere-${port}0000aa/${port}1e2d3c4b5a6978`;
const LISTENER_ARN = (port: number) => `arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:listener/net/${LB_NAME}/8d2c1e0f9a7b6c5d/${port}aa11bb22cc33dd`;

/** The eks-nlb example's manifests, synthesized by the library. */
export function eksNlbManifests(): Record<string, any>[] {
  return Testing.synth(new AiInferenceChart(Testing.app(), 'eks-nlb', { spec: eksNlbSpec }));
}

/** Writes `objects` as a multi-document YAML file in a fresh temp directory. */
export function writeManifest(objects: Record<string, any>[]): { dir: string; file: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'verify-nlb-'));
  const file = join(dir, 'eks-nlb.k8s.yaml');
  writeFileSync(file, objects.map((o) => stringify(o)).join('---\n'));
  return { dir, file, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

function lbFields(name: string, arn: string, type = 'network', scheme = 'internet-facing'): FakeLoadBalancer['fields'] {
  return {
    LoadBalancerArn: arn,
    DNSName: `${name}-0123456789abcdef.elb.us-east-1.amazonaws.com`,
    CanonicalHostedZoneId: 'Z26RNL4JYFTOTI',
    CreatedTime: '2026-11-02T10:15:00.000Z',
    LoadBalancerName: name,
    Scheme: scheme,
    VpcId: 'vpc-0a1b2c3d4e5f60718',
    State: { Code: 'active' },
    Type: type,
    AvailabilityZones: [
      { ZoneName: 'us-east-1a', SubnetId: 'subnet-0aa' },
      { ZoneName: 'us-east-1b', SubnetId: 'subnet-0bb' },
      { ZoneName: 'us-east-1c', SubnetId: 'subnet-0cc' },
    ],
    IpAddressType: 'ipv4',
  };
}

function targetGroup(port: number, healthy: number): FakeTargetGroup {
  return {
    fields: {
      TargetGroupArn: TG_ARN(port),
      TargetGroupName: `k8s-pixelate-aiinfere-${port}0000aa`,
      Protocol: 'TCP',
      Port: 1,
      VpcId: 'vpc-0a1b2c3d4e5f60718',
      HealthCheckProtocol: 'HTTP',
      HealthCheckPort: 'traffic-port',
      HealthCheckEnabled: true,
      HealthCheckIntervalSeconds: 10,
      HealthCheckTimeoutSeconds: 5,
      HealthyThresholdCount: 2,
      UnhealthyThresholdCount: 2,
      HealthCheckPath: '/api/v1/health',
      Matcher: { HttpCode: '200-399' },
      LoadBalancerArns: [LB_ARN],
      TargetType: 'ip',
      IpAddressType: 'ipv4',
    },
    attributes: {
      'proxy_protocol_v2.enabled': 'false',
      'stickiness.enabled': 'true',
      'stickiness.type': 'source_ip',
      'deregistration_delay.timeout_seconds': '60',
      'deregistration_delay.connection_termination.enabled': 'false',
      'preserve_client_ip.enabled': 'true',
      'target_health_state.unhealthy.connection_termination.enabled': 'true',
    },
    targets: Array.from({ length: healthy }, (_, i) => ({ id: `10.0.${16 + i}.${20 + i}`, port: 8000, state: 'healthy' })),
  };
}

/** The NLB the controller builds for the eks-nlb Service, as AWS describes it: every value as the manifest asks. */
export function eksNlbLoadBalancer(): FakeLoadBalancer {
  return {
    fields: lbFields(LB_NAME, LB_ARN),
    tags: {
      'elbv2.k8s.aws/cluster': CLUSTER,
      'service.k8s.aws/stack': `${NAMESPACE}/${SERVICE}`,
      'service.k8s.aws/resource': 'LoadBalancer',
    },
    attributes: {
      'access_logs.s3.enabled': 'true',
      'access_logs.s3.bucket': 'pixelated-nlb-access-logs',
      'access_logs.s3.prefix': 'ai-inference',
      'deletion_protection.enabled': 'false',
      'load_balancing.cross_zone.enabled': 'true',
      'dns_record.client_routing_policy': 'any_availability_zone',
    },
    listeners: [
      {
        fields: {
          ListenerArn: LISTENER_ARN(80),
          LoadBalancerArn: LB_ARN,
          Port: 80,
          Protocol: 'TCP',
          DefaultActions: [{ Type: 'forward', TargetGroupArn: TG_ARN(80), ForwardConfig: { TargetGroups: [{ TargetGroupArn: TG_ARN(80), Weight: 1 }] } }],
        },
        attributes: { 'tcp.idle_timeout.seconds': '300' },
      },
      {
        fields: {
          ListenerArn: LISTENER_ARN(443),
          LoadBalancerArn: LB_ARN,
          Port: 443,
          Protocol: 'TLS',
          Certificates: [{ CertificateArn: CERT }],
          SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
          DefaultActions: [{ Type: 'forward', TargetGroupArn: TG_ARN(443) }],
        },
        attributes: { 'tcp.idle_timeout.seconds': '350' },
      },
    ],
    targetGroups: [targetGroup(80, 3), targetGroup(443, 3)],
  };
}

/**
 * An account with `count` load balancers: unrelated ones (other Services, an ALB, and one
 * with this Service's stack tag but another cluster) and the eks-nlb NLB at `at`.
 */
export function account(count = 25, at = 22): FakeLoadBalancer[] {
  const lbs: FakeLoadBalancer[] = [];
  for (let i = 0; i < count - 1; i++) {
    const name = `k8s-other-svc${String(i).padStart(2, '0')}-0a0b0c0d0e`;
    const arn = `arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:loadbalancer/${i === 3 ? 'app' : 'net'}/${name}/${String(i).padStart(16, '0')}`;
    const tags: Record<string, string> =
      i === 5
        ? { 'elbv2.k8s.aws/cluster': 'pixelated-staging-eks', 'service.k8s.aws/stack': `${NAMESPACE}/${SERVICE}` }
        : i % 4 === 0
          ? { team: 'payments' }
          : { 'elbv2.k8s.aws/cluster': CLUSTER, 'service.k8s.aws/stack': `other-ns/svc-${i}` };
    lbs.push({ fields: lbFields(name, arn, i === 3 ? 'application' : 'network', 'internal'), tags, attributes: {}, listeners: [], targetGroups: [] });
  }
  lbs.splice(at, 0, eksNlbLoadBalancer());
  return lbs;
}

/** The NLB in `lbs` (tests change it to make drift). */
export function theNlb(lbs: FakeLoadBalancer[]): FakeLoadBalancer {
  return lbs.find((lb) => lb.fields.LoadBalancerArn === LB_ARN)!;
}

/** Fake static credentials: the SDK signs with them; the loopback server accepts any. */
export const FAKE_CREDENTIALS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
