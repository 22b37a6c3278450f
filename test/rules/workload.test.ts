import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { startupBudgetSeconds, unpinnedImage } from '../../src/rules/workload';
import { findings, messages, service, suppress, suppressed, withChanged } from './fixtures';

const server = (d: any) => d.spec.template.spec.containers[0];

describe('image-pinned (AII-R020)', () => {
  it('passes a release tag and a digest', () => {
    expect(findings(service(), 'AII-R020')).toEqual([]);
    expect(unpinnedImage('registry.local:5000/team/server:1.2.3')).toBeUndefined();
  });

  it('refuses :latest and an image without a tag, naming the container', () => {
    const objects = withChanged('Deployment', (d) => {
      server(d).image = 'vllm/vllm-openai:latest';
      d.spec.template.spec.initContainers[0].image = 'registry.local:5000/fetch';
    });
    expect(messages(objects, 'AII-R020')).toEqual([
      'spec.template.spec.containers[0].image ("vllm/vllm-openai:latest") uses the moving tag latest (container "server"); pin a release tag or a digest',
      'spec.template.spec.initContainers[0].image ("registry.local:5000/fetch") has no tag, so it means :latest (container "fetch"); pin a release tag or a digest',
    ]);
  });

  it('lists a suppressed finding with its reason', () => {
    const objects = withChanged('Deployment', (d) => {
      server(d).image = 'nginx';
      suppress(d, ['AII-R020'], 'mirrored by digest at admission');
    });
    expect(findings(objects, 'AII-R020')).toEqual([]);
    expect(suppressed(objects, 'AII-R020')).toMatchObject([{ reason: 'mirrored by digest at admission', object: { name: 'llm' } }]);
  });

  it('accepts any tag but latest and refuses any untagged name (property)', () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}(\/[a-z][a-z0-9-]{0,10}){0,2}$/);
    const tag = fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}$/).filter((t) => t !== 'latest');
    fc.assert(fc.property(name, tag, (n, t) => unpinnedImage(`${n}:${t}`) === undefined && unpinnedImage(n) !== undefined && unpinnedImage(`${n}:latest`) !== undefined));
  });
});

describe('resources-set (AII-R021)', () => {
  it('passes containers and init containers with cpu and memory requests and limits', () => {
    expect(findings(service(), 'AII-R021')).toEqual([]);
  });

  it('names what is missing', () => {
    const objects = withChanged('Deployment', (d) => {
      delete server(d).resources.limits.cpu;
      delete d.spec.template.spec.initContainers[0].resources;
    });
    expect(messages(objects, 'AII-R021')).toEqual([
      'spec.template.spec.containers[0].resources.limits ([memory, nvidia.com/gpu]) sets no cpu (container "server"); set limits.cpu',
      'spec.template.spec.initContainers[0].resources.requests (not set) sets no cpu and memory (container "fetch"); set requests.cpu and requests.memory',
      'spec.template.spec.initContainers[0].resources.limits (not set) sets no cpu and memory (container "fetch"); set limits.cpu and limits.memory',
    ]);
  });

  it('lists a suppressed finding with its reason', () => {
    const objects = withChanged('Deployment', (d) => {
      delete server(d).resources.limits.cpu;
      suppress(d, ['AII-R021'], 'no CPU limits on this cluster: CFS throttling');
    });
    expect(findings(objects, 'AII-R021')).toEqual([]);
    expect(suppressed(objects, 'AII-R021').map((f) => f.reason)).toEqual(['no CPU limits on this cluster: CFS throttling']);
  });
});

describe('extended-resource-limit-equals-request (AII-R022) and gpu-limit-without-request (AII-R023)', () => {
  it('passes a GPU request equal to its limit, also written differently (1 and "1")', () => {
    const objects = withChanged('Deployment', (d) => {
      server(d).resources.requests['nvidia.com/gpu'] = '1';
    });
    expect(findings(objects, 'AII-R022')).toEqual([]);
    expect(findings(objects, 'AII-R023')).toEqual([]);
  });

  it('refuses a GPU request that differs from its limit, and one without a limit', () => {
    const objects = withChanged('Deployment', (d) => {
      server(d).resources.limits['nvidia.com/gpu'] = 2;
      d.spec.template.spec.initContainers[0].resources.requests['amd.com/gpu'] = 1;
    });
    expect(messages(objects, 'AII-R022')).toEqual([
      'spec.template.spec.containers[0].resources.requests["nvidia.com/gpu"] (1) differs from its limit 2 (container "server"); the API requires the two equal for nvidia.com/gpu; make them the same',
      'spec.template.spec.initContainers[0].resources.requests["amd.com/gpu"] (1) has no limit (container "fetch"); the API requires amd.com/gpu in limits; add limits["amd.com/gpu"]: 1',
    ]);
  });

  it('warns about a GPU limit with no request, without failing', () => {
    const objects = withChanged('Deployment', (d) => {
      delete server(d).resources.requests['nvidia.com/gpu'];
    });
    expect(findings(objects, 'AII-R023')).toMatchObject([
      { level: 'warning', message: 'spec.template.spec.containers[0].resources.limits["nvidia.com/gpu"] (1) has no matching request (container "server"); the API fills in the request, the manifest does not show it: add requests["nvidia.com/gpu"]: 1' },
    ]);
  });

  it('lists suppressed findings with their reasons', () => {
    const objects = withChanged('Deployment', (d) => {
      server(d).resources.limits['nvidia.com/gpu'] = 2;
      suppress(d, ['AII-R022'], 'test of the admission webhook');
    });
    expect(findings(objects, 'AII-R022')).toEqual([]);
    expect(suppressed(objects, 'AII-R022').map((f) => f.reason)).toEqual(['test of the admission webhook']);
  });

  it('does not treat kubernetes.io resources or hugepages as extended resources', () => {
    const objects = withChanged('Deployment', (d) => {
      server(d).resources.requests['hugepages-2Mi'] = '1Gi';
      server(d).resources.requests['ephemeral-storage'] = '10Gi';
    });
    expect(findings(objects, 'AII-R022')).toEqual([]);
  });
});

describe('probes-present (AII-R024)', () => {
  it('passes a serving container with readiness and liveness probes', () => {
    expect(findings(service(), 'AII-R024')).toEqual([]);
  });

  it('refuses a serving container without a liveness probe', () => {
    const objects = withChanged('Deployment', (d) => {
      delete server(d).livenessProbe;
    });
    expect(messages(objects, 'AII-R024')).toEqual(['spec.template.spec.containers[0].livenessProbe (not set) is missing (container "server" serves ports); add a liveness probe']);
  });

  it('lists a suppressed finding with its reason', () => {
    const objects = withChanged('Deployment', (d) => {
      delete server(d).readinessProbe;
      suppress(d, ['AII-R024'], 'batch worker, never behind a Service');
    });
    expect(suppressed(objects, 'AII-R024').map((f) => f.reason)).toEqual(['batch worker, never behind a Service']);
  });
});

describe('gpu-startup-probe (AII-R025)', () => {
  it('passes a GPU container whose startup budget fits in progressDeadlineSeconds', () => {
    expect(findings(service(), 'AII-R025')).toEqual([]);
  });

  it('refuses a GPU container without a startup probe', () => {
    const objects = withChanged('Deployment', (d) => {
      delete server(d).startupProbe;
    });
    expect(messages(objects, 'AII-R025')).toEqual([
      'spec.template.spec.containers[0].startupProbe (not set) is missing on a GPU container (container "server"); the liveness probe would kill it while the model loads: add a startup probe that covers the load time',
    ]);
  });

  it('refuses a startup budget above the default progress deadline', () => {
    const objects = withChanged('Deployment', (d) => {
      delete d.spec.progressDeadlineSeconds;
      server(d).startupProbe = { tcpSocket: { port: 'http' }, initialDelaySeconds: 30, periodSeconds: 10, failureThreshold: 90 };
    });
    expect(messages(objects, 'AII-R025')).toEqual([
      'spec.progressDeadlineSeconds (600 by default) is below the startup budget of container "server" (930 s: initialDelaySeconds + failureThreshold x periodSeconds of spec.template.spec.containers[0].startupProbe); a rollout is reported failed before a pod may be ready: raise progressDeadlineSeconds above 930',
    ]);
  });

  it('lists a suppressed finding with its reason', () => {
    const objects = withChanged('Deployment', (d) => {
      delete server(d).startupProbe;
      suppress(d, ['AII-R025'], 'the model is baked into the image and loads in 5 s');
    });
    expect(suppressed(objects, 'AII-R025').map((f) => f.reason)).toEqual(['the model is baked into the image and loads in 5 s']);
  });

  it('counts the API defaults in the budget (period 10 s, threshold 3)', () => {
    expect(startupBudgetSeconds({})).toBe(30);
    fc.assert(fc.property(fc.nat(600), fc.integer({ min: 1, max: 100 }), fc.integer({ min: 1, max: 60 }), (d, f, p) => startupBudgetSeconds({ initialDelaySeconds: d, failureThreshold: f, periodSeconds: p }) === d + f * p));
  });
});
