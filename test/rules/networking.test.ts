import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cidrContains } from '../../src/rules/cidr';
import { findings, messages, service, suppress, suppressed, withChanged } from './fixtures';

const A = 'service.beta.kubernetes.io/';

describe('workload-selector-matches-template (AII-R040)', () => {
  it('passes a selector that is a subset of the template labels', () => {
    expect(findings(service(), 'AII-R040')).toEqual([]);
  });

  it('refuses a selector the template does not carry', () => {
    const objects = withChanged('Deployment', (d) => {
      d.spec.selector.matchLabels['app.kubernetes.io/instance'] = 'other';
    });
    expect(messages(objects, 'AII-R040')).toEqual(['spec.selector (an object) does not select spec.template.metadata.labels; the API server refuses the object: make matchLabels a subset of the template labels']);
  });

  it('lists a suppressed finding with its reason', () => {
    const objects = withChanged('Deployment', (d) => {
      delete d.spec.selector;
      suppress(d, ['AII-R040'], 'applied through a kustomize patch that adds the selector');
    });
    expect(suppressed(objects, 'AII-R040').map((f) => f.reason)).toEqual(['applied through a kustomize patch that adds the selector']);
  });
});

describe('selector-matches-pods (AII-R041)', () => {
  it('passes Service, PDB and NetworkPolicy selectors that select the Deployment', () => {
    expect(findings(service(), 'AII-R041')).toEqual([]);
  });

  it('refuses a Service, a PDB and a NetworkPolicy that select nothing', () => {
    const objects = service();
    for (const o of objects) {
      if (o.kind === 'Service') o.spec.selector = { app: 'lm' };
      if (o.kind === 'PodDisruptionBudget') o.spec.selector = { matchLabels: { app: 'lm' } };
      if (o.kind === 'NetworkPolicy') o.spec.podSelector = { matchExpressions: [{ key: 'app', operator: 'In', values: ['lm'] }] };
    }
    expect(messages(objects, 'AII-R041')).toEqual([
      'spec.selector selects no pod template of the input in namespace shop (workloads: Deployment shop/llm); match the pod template labels',
      'spec.selector selects no pod template of the input in namespace shop (workloads: Deployment shop/llm); match the pod template labels',
      'spec.podSelector selects no pod template of the input in namespace shop (workloads: Deployment shop/llm); match the pod template labels',
      'spec.selector selects no pod template of the input in namespace shop (workloads: Deployment shop/llm); match the pod template labels',
    ]);
    expect(findings(objects, 'AII-R041').map((f) => f.object.kind)).toEqual(['Service', 'Service', 'NetworkPolicy', 'PodDisruptionBudget']);
  });

  it('says nothing about a namespace with no workload in the input (the pods live elsewhere)', () => {
    expect(findings(service().filter((o) => o.kind !== 'Deployment'), 'AII-R041')).toEqual([]);
  });

  it('lists a suppressed finding with its reason', () => {
    const objects = withChanged('PodDisruptionBudget', (p) => {
      p.spec.selector = { matchLabels: { app: 'legacy' } };
      suppress(p, ['AII-R041'], 'guards the legacy pods deployed by Helm');
    });
    expect(suppressed(objects, 'AII-R041').map((f) => f.reason)).toEqual(['guards the legacy pods deployed by Helm']);
  });
});

describe('service-target-port-exists (AII-R042)', () => {
  it('passes a named and a numeric target port the pod declares', () => {
    expect(findings(service(), 'AII-R042')).toEqual([]);
  });

  it('refuses a name and a number the pod does not declare', () => {
    const objects = withChanged('Service', (s) => {
      s.spec.ports[0].targetPort = 'web';
    });
    objects.find((o) => o.metadata.name === 'llm-internal')!.spec.ports[1].targetPort = 9100;
    expect(messages(objects, 'AII-R042')).toEqual([
      'spec.ports[0].targetPort ("web") is not a container port of Deployment shop/llm (its ports: http (8000), metrics (9090)); the Service port http has no endpoint: use one of them',
      'spec.ports[1].targetPort (9100) is not a container port of Deployment shop/llm (its ports: http (8000), metrics (9090)); the Service port metrics has no endpoint: use one of them',
    ]);
  });

  it('lists a suppressed finding with its reason', () => {
    const objects = withChanged('Service', (s) => {
      s.spec.ports[0].targetPort = 'web';
      suppress(s, ['AII-R042'], 'the sidecar injector adds the web port');
    });
    expect(suppressed(objects, 'AII-R042').map((f) => f.reason)).toEqual(['the sidecar injector adds the web port']);
  });
});

describe('network-policy-admits-nlb (AII-R043)', () => {
  it('passes a policy admitting the source ranges (client IP preserved) and the NLB subnets on the target port', () => {
    expect(findings(service(), 'AII-R043')).toEqual([]);
  });

  it('refuses a policy missing a client range with client IP preservation', () => {
    const objects = withChanged('Service', (s) => {
      s.spec.loadBalancerSourceRanges = ['203.0.113.0/24', '198.51.100.0/24'];
    });
    expect(messages(objects, 'AII-R043')).toEqual([
      "spec.ports[0] (\"http\") sends the clients' own addresses (client IP preservation) to port 8000, but NetworkPolicy shop/llm (selecting Deployment shop/llm) does not admit 198.51.100.0/24 (spec.loadBalancerSourceRanges); add an ingress ipBlock for each range on that port, or set loadBalancerSourceRanges",
    ]);
  });

  it('refuses a policy that admits no address block to the port: the health checks never reach the pods', () => {
    const objects = withChanged('NetworkPolicy', (np) => {
      np.spec.ingress[0].from = [{ podSelector: { matchLabels: { app: 'web' } } }];
    });
    expect(messages(objects, 'AII-R043')).toContain(
      "spec.ports[0] (\"http\") needs the NLB's private IPs admitted to port 8000: its health checks come from its subnets, but NetworkPolicy shop/llm (selecting Deployment shop/llm) admits no ipBlock there (selectors name pods and namespaces, never the NLB); add an ingress rule from the NLB subnet CIDRs",
    );
  });

  it('accepts any address block for the NLB subnets: a VPC may use public ranges, which the manifests cannot tell apart', () => {
    const objects = withChanged('NetworkPolicy', (np) => {
      np.spec.ingress[0].from = [{ ipBlock: { cidr: '203.0.113.0/24' } }, ...(np.spec.ingress[0].from ?? [])];
    });
    expect(messages(objects, 'AII-R043').filter((m) => m.includes('private IPs'))).toEqual([]);
  });

  it('without client IP preservation (the ip-target default) needs only the NLB subnets', () => {
    const objects = withChanged('Service', (s) => {
      s.metadata.annotations[`${A}aws-load-balancer-target-group-attributes`] = 'deregistration_delay.timeout_seconds=60';
    });
    const np = objects.find((o) => o.kind === 'NetworkPolicy')!;
    np.spec.ingress[0].from = [{ ipBlock: { cidr: '10.0.0.0/24' } }];
    expect(findings(objects, 'AII-R043')).toEqual([]);
    np.spec.ingress[0].from = [{ podSelector: { matchLabels: { app: 'web' } } }];
    expect(messages(objects, 'AII-R043')).toEqual([
      "spec.ports[0] (\"http\") needs the NLB's private IPs admitted to port 8000: without client IP preservation, all its traffic and its health checks come from its subnets, but NetworkPolicy shop/llm (selecting Deployment shop/llm) admits no ipBlock there (selectors name pods and namespaces, never the NLB); add an ingress rule from the NLB subnet CIDRs",
    ]);
  });

  it('lists a suppressed finding with its reason', () => {
    const objects = withChanged('Service', (s) => {
      s.spec.loadBalancerSourceRanges = ['198.51.100.0/24'];
      suppress(s, ['AII-R043'], 'a second policy is applied by the platform team');
    });
    expect(findings(objects, 'AII-R043')).toEqual([]);
    expect(suppressed(objects, 'AII-R043').map((f) => f.reason)).toEqual(['a second policy is applied by the platform team']);
  });

  it('contains a block in every wider block of the same address (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 }), fc.integer({ min: 0, max: 32 }), fc.integer({ min: 0, max: 32 }), (octets, a, b) => {
        const ip = octets.join('.');
        const [wide, narrow] = a <= b ? [a, b] : [b, a];
        expect(cidrContains(`${ip}/${wide}`, `${ip}/${narrow}`)).toBe(true);
        if (wide < narrow) expect(cidrContains(`${ip}/${narrow}`, `${ip}/${wide}`)).toBe(false);
      }),
    );
  });
});

describe('network-policy-admits-nlb (AII-R043): where the sources and the health-check port come from', () => {
  it('reads the client ranges from the load-balancer-source-ranges annotation when the field is empty', () => {
    const objects = withChanged('Service', (s) => {
      delete s.spec.loadBalancerSourceRanges;
      s.metadata.annotations['service.beta.kubernetes.io/load-balancer-source-ranges'] = '203.0.113.0/24, 192.0.2.0/24';
    });
    const found = messages(objects, 'AII-R043').filter((m) => m.includes("clients' own addresses"));
    // The policy admits 203.0.113.0/24 (the fixture's range): the annotation's second range is missing, never 0.0.0.0/0.
    expect(found.length).toBeGreaterThan(0);
    for (const m of found) {
      expect(m).toContain('does not admit 192.0.2.0/24 (service.beta.kubernetes.io/load-balancer-source-ranges)');
      expect(m).not.toContain('0.0.0.0/0');
    }
  });
});
