/**
 * What the AWS Load Balancer Controller and the ELBv2 API do that `verify-nlb` relies on:
 * the tags that name a Service's NLB, what each missing annotation means, and the AWS
 * defaults of the attributes the controller leaves alone. Data only; nlb-expected.ts reads it.
 */

/**
 * Tags the controller puts on the NLB of a Service (and on its listeners and target groups).
 * Source: kubernetes-sigs/aws-load-balancer-controller v3.5.0 (commit 11eb202c97e4):
 * pkg/shared_constants/tag_keys.go (`TagKeyK8sCluster`), controllers/service/service_controller.go
 * (`serviceTagPrefix` "service.k8s.aws" handed to tracking.NewDefaultProvider),
 * pkg/deploy/tracking/provider.go (StackTags: cluster tag + `<prefix>/stack`; ResourceIDTagKey
 * `<prefix>/resource`), pkg/model/core/stack_id.go (the stack id of a Service is
 * `<namespace>/<name>`). Same keys at v2.9.0 (commit 0700e85d3b75).
 */
export const NLB_TAGS = {
  cluster: 'elbv2.k8s.aws/cluster',
  stack: 'service.k8s.aws/stack',
  resource: 'service.k8s.aws/resource',
} as const;

/** The value of NLB_TAGS.stack for a Service. */
export function stackTagValue(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

/** Prefix of every Service annotation the controller reads (controllers/service/service_controller.go, v3.5.0). */
export { NLB_ANNOTATION_PREFIX as SERVICE_ANNOTATION_PREFIX } from '../providers/aws-nlb';

/**
 * Annotation suffixes the controller reads (pkg/annotations/constants.go, SvcLBSuffix*, v3.5.0).
 * Only those that change what verify-nlb compares.
 */
export const ANNOTATION = {
  type: 'aws-load-balancer-type',
  targetType: 'aws-load-balancer-nlb-target-type',
  scheme: 'aws-load-balancer-scheme',
  internal: 'aws-load-balancer-internal',
  proxyProtocol: 'aws-load-balancer-proxy-protocol',
  proxyProtocolPerTargetGroup: 'aws-load-balancer-proxy-protocol-per-target-group',
  accessLogEnabled: 'aws-load-balancer-access-log-enabled',
  accessLogBucket: 'aws-load-balancer-access-log-s3-bucket-name',
  accessLogPrefix: 'aws-load-balancer-access-log-s3-bucket-prefix',
  crossZone: 'aws-load-balancer-cross-zone-load-balancing-enabled',
  sslCert: 'aws-load-balancer-ssl-cert',
  sslPorts: 'aws-load-balancer-ssl-ports',
  sslPolicy: 'aws-load-balancer-ssl-negotiation-policy',
  backendProtocol: 'aws-load-balancer-backend-protocol',
  alpnPolicy: 'aws-load-balancer-alpn-policy',
  hcHealthyThreshold: 'aws-load-balancer-healthcheck-healthy-threshold',
  hcUnhealthyThreshold: 'aws-load-balancer-healthcheck-unhealthy-threshold',
  hcTimeout: 'aws-load-balancer-healthcheck-timeout',
  hcInterval: 'aws-load-balancer-healthcheck-interval',
  hcProtocol: 'aws-load-balancer-healthcheck-protocol',
  hcPort: 'aws-load-balancer-healthcheck-port',
  hcPath: 'aws-load-balancer-healthcheck-path',
  hcSuccessCodes: 'aws-load-balancer-healthcheck-success-codes',
  targetGroupAttributes: 'aws-load-balancer-target-group-attributes',
  loadBalancerAttributes: 'aws-load-balancer-attributes',
  listenerAttributes: 'aws-load-balancer-listener-attributes',
} as const;

/** The loadBalancerClass that hands a Service to the controller (docs/guide/service/annotations.md). */
export { NLB_LOAD_BALANCER_CLASS } from '../providers/aws-nlb';

/**
 * What the controller assumes when an annotation is missing. Source: pkg/service/model_builder.go
 * (Build: the defaultModelBuildTask fields) and pkg/config/controller_config.go (flag defaults),
 * v3.5.0. `scheme`, `targetType` and `sslPolicy` are controller flags
 * (--default-load-balancer-scheme, --default-target-type, --default-ssl-policy); the values
 * here are the flags' defaults. The health check timeout and success codes annotations act
 * only with the feature gate NLBHealthCheckAdvancedConfig, on by default
 * (pkg/config/feature_gates.go, v3.5.0); verify-nlb assumes it is on.
 */
export const CONTROLLER_DEFAULTS = {
  scheme: 'internal',
  targetType: 'instance',
  sslPolicy: 'ELBSecurityPolicy-2016-08',
  proxyProtocolV2: 'false',
  healthCheck: {
    protocol: 'TCP',
    port: 'traffic-port',
    path: '/',
    intervalSeconds: 10,
    timeoutSeconds: 10,
    healthyThreshold: 3,
    unhealthyThreshold: 3,
    successCodes: '200-399',
  },
  /** instance targets with externalTrafficPolicy Local probe kube-proxy's health check node port. */
  healthCheckInstanceLocal: {
    protocol: 'HTTP',
    path: '/healthz',
    intervalSeconds: 10,
    timeoutSeconds: 6,
    healthyThreshold: 2,
    unhealthyThreshold: 2,
  },
} as const;

/**
 * AWS's own defaults for attributes the controller does not set unless annotated (the
 * controller only writes the keys it is given: pkg/service/model_build_load_balancer.go
 * buildLoadBalancerAttributes, model_build_target_group.go buildTargetGroupAttributes).
 * Sources: ELBv2 API reference, LoadBalancerAttribute and TargetGroupAttribute; ELB user
 * guide network/edit-target-group-attributes ("IP type target groups (TCP, TLS): Disabled"
 * for client IP preservation, enabled for instance targets and UDP/TCP_UDP).
 */
export const AWS_DEFAULTS = {
  loadBalancer: {
    'load_balancing.cross_zone.enabled': 'false',
    'access_logs.s3.enabled': 'false',
  },
  targetGroup: {
    'deregistration_delay.timeout_seconds': '300',
    'stickiness.enabled': 'false',
  },
  /** preserve_client_ip.enabled by target type and protocol. */
  preserveClientIp(targetType: string, protocol: string): string {
    if (targetType === 'instance') return 'true';
    return protocol === 'TCP' || protocol === 'TLS' ? 'false' : 'true';
  },
} as const;

/**
 * ELBv2 API limits verify-nlb works within. DescribeTags: "You can specify up to 20
 * resources in a single call" (ELBv2 API reference, DescribeTags, ResourceArns). The
 * Describe* calls that list page with Marker / NextMarker.
 */
export const ELBV2_LIMITS = { describeTagsArns: 20 } as const;

/**
 * The SDK's retry policy for verify-nlb: the standard mode (exponential backoff with jitter,
 * retrying throttling and transient errors), at most this many attempts per call.
 */
export const SDK_RETRY = { mode: 'standard', maxAttempts: 5 } as const;

/** The IAM actions verify-nlb calls (all within elasticloadbalancing:Describe*). */
export const REQUIRED_ACTIONS = [
  'elasticloadbalancing:DescribeLoadBalancers',
  'elasticloadbalancing:DescribeTags',
  'elasticloadbalancing:DescribeLoadBalancerAttributes',
  'elasticloadbalancing:DescribeListeners',
  'elasticloadbalancing:DescribeListenerAttributes',
  'elasticloadbalancing:DescribeListenerCertificates',
  'elasticloadbalancing:DescribeTargetGroups',
  'elasticloadbalancing:DescribeTargetGroupAttributes',
  'elasticloadbalancing:DescribeTargetHealth',
] as const;
