import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NLB_LIMITS } from '../../src/providers/aws-nlb';
import { findings, messages, service, suppress, suppressed, withChanged } from './fixtures';

const A = 'service.beta.kubernetes.io/';

describe('nlb-annotation-known (AII-R060)', () => {
  it('passes the keys the controller reads, listener attributes included', () => {
    expect(findings(service(), 'AII-R060')).toEqual([]);
  });

  it('refuses a misspelt key and suggests the right one', () => {
    const objects = withChanged('Service', (s) => {
      s.metadata.annotations[`${A}aws-load-balancer-healthcheck-intervall`] = '10';
    });
    expect(messages(objects, 'AII-R060')).toEqual([
      'metadata.annotations["service.beta.kubernetes.io/aws-load-balancer-healthcheck-intervall"] is not an annotation the AWS Load Balancer Controller reads; it is ignored: did you mean service.beta.kubernetes.io/aws-load-balancer-healthcheck-interval?',
    ]);
  });

  it('ignores Services the controller does not own (no NLB class, no external type)', () => {
    const objects = withChanged('Service', (s) => {
      delete s.spec.loadBalancerClass;
      s.metadata.annotations[`${A}aws-load-balancer-connection-draining-enabled`] = 'true';
    });
    expect(findings(objects, 'AII-R060')).toEqual([]);
  });

  it('lists a suppressed finding with its reason', () => {
    const objects = withChanged('Service', (s) => {
      s.metadata.annotations[`${A}aws-load-balancer-future-thing`] = 'x';
      suppress(s, ['AII-R060'], 'needs controller v3.6, not yet in the table');
    });
    expect(suppressed(objects, 'AII-R060').map((f) => f.reason)).toEqual(['needs controller v3.6, not yet in the table']);
  });
});

describe('nlb-annotation-value (AII-R061)', () => {
  it('passes values within the ranges', () => {
    expect(findings(service(), 'AII-R061')).toEqual([]);
  });

  it('refuses out-of-range health-check, deregistration and idle-timeout values, and a timeout above the interval', () => {
    const objects = withChanged('Service', (s) => {
      const a = s.metadata.annotations;
      a[`${A}aws-load-balancer-healthcheck-interval`] = '6';
      a[`${A}aws-load-balancer-healthcheck-timeout`] = '8';
      a[`${A}aws-load-balancer-healthcheck-healthy-threshold`] = '1';
      a[`${A}aws-load-balancer-target-group-attributes`] = 'deregistration_delay.timeout_seconds=4000';
      a[`${A}aws-load-balancer-listener-attributes.TCP-80`] = 'tcp.idle_timeout.seconds=30';
      a[`${A}aws-load-balancer-nlb-target-type`] = 'pod';
    });
    expect(messages(objects, 'AII-R061')).toEqual([
      'metadata.annotations["service.beta.kubernetes.io/aws-load-balancer-nlb-target-type"] ("pod") must be one of ip, instance',
      'metadata.annotations["service.beta.kubernetes.io/aws-load-balancer-healthcheck-healthy-threshold"] ("1") must be a whole number of checks within 2-10; pick a value in range',
      'metadata.annotations["service.beta.kubernetes.io/aws-load-balancer-healthcheck-timeout"] ("8") must not exceed the health-check interval (6 s); lower the timeout or raise the interval',
      'metadata.annotations["service.beta.kubernetes.io/aws-load-balancer-target-group-attributes"] ("deregistration_delay.timeout_seconds=4000") sets deregistration_delay.timeout_seconds=4000, which must be within 0-3600',
      'metadata.annotations["service.beta.kubernetes.io/aws-load-balancer-listener-attributes.TCP-80"] ("tcp.idle_timeout.seconds=30") sets tcp.idle_timeout.seconds=30, which must be within 60-6000',
    ]);
  });

  it('accepts every interval of the range and refuses every value outside it (property)', () => {
    const [min, max] = NLB_LIMITS.healthCheckIntervalSeconds;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), (n) => {
        const objects = withChanged('Service', (s) => {
          s.metadata.annotations[`${A}aws-load-balancer-healthcheck-interval`] = String(n);
          s.metadata.annotations[`${A}aws-load-balancer-healthcheck-timeout`] = '2';
        });
        expect(findings(objects, 'AII-R061').length).toBe(n >= min && n <= max ? 0 : 1);
      }),
      { numRuns: 60 },
    );
  });

  it('lists a suppressed finding with its reason', () => {
    const objects = withChanged('Service', (s) => {
      s.metadata.annotations[`${A}aws-load-balancer-healthcheck-interval`] = '1';
      suppress(s, ['AII-R061'], 'exercising the controller error path in a test cluster');
    });
    expect(suppressed(objects, 'AII-R061').map((f) => f.reason)).toEqual(['exercising the controller error path in a test cluster']);
  });
});

describe('nlb-readiness-gate-namespace (AII-R062)', () => {
  it('passes a labelled namespace', () => {
    expect(findings(service(), 'AII-R062')).toEqual([]);
  });

  it('refuses the Namespace of ip-target NLB pods without the label', () => {
    const objects = withChanged('Namespace', (n) => {
      n.metadata.labels = {};
    });
    expect(messages(objects, 'AII-R062')).toEqual([
      'metadata.labels["elbv2.k8s.aws/pod-readiness-gate-inject"] (not set) must be "enabled": Service shop/llm-lb is an ip-target NLB, and without readiness gates a rollout replaces pods before the NLB routes to the new ones; add the label',
    ]);
  });

  it('says nothing when the Namespace is not in the input', () => {
    expect(findings(service().filter((o) => o.kind !== 'Namespace'), 'AII-R062')).toEqual([]);
  });

  it('lists a suppressed finding with its reason', () => {
    const objects = withChanged('Namespace', (n) => {
      n.metadata.labels = {};
      suppress(n, ['AII-R062'], 'the label is set by the platform namespace controller');
    });
    expect(suppressed(objects, 'AII-R062').map((f) => f.reason)).toEqual(['the label is set by the platform namespace controller']);
  });
});

describe('which Services the AWS Load Balancer Controller owns', () => {
  it('takes the legacy type nlb-ip, and external only with a target type', async () => {
    const { isAwsNlbService, nlbTargetType } = await import('../../src/rules/aws-nlb');
    const svc = (annotations: Record<string, string>, loadBalancerClass?: string) => ({ kind: 'Service', metadata: { name: 's', annotations }, spec: { type: 'LoadBalancer', loadBalancerClass } });
    expect(isAwsNlbService(svc({ [`${A}aws-load-balancer-type`]: 'nlb-ip' }))).toBe(true);
    expect(nlbTargetType(svc({ [`${A}aws-load-balancer-type`]: 'nlb-ip' }))).toBe('ip');
    expect(isAwsNlbService(svc({ [`${A}aws-load-balancer-type`]: 'external' }))).toBe(false);
    expect(isAwsNlbService(svc({ [`${A}aws-load-balancer-type`]: 'external', [`${A}aws-load-balancer-nlb-target-type`]: 'instance' }))).toBe(true);
    expect(isAwsNlbService(svc({ [`${A}aws-load-balancer-type`]: 'nlb-ip' }, 'example.com/other'))).toBe(false);
  });
});
