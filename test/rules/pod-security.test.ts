import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { podSecurityViolations } from '../../src/rules/pod-security';
import { deployment, findings, messages, service, suppress, suppressed, withChanged } from './fixtures';

const R = 'AII-R010';

describe('pod-security-restricted (AII-R010)', () => {
  it('passes a pod that runs as non-root with no privilege escalation, all capabilities dropped and the runtime seccomp profile', () => {
    expect(findings(service(), R)).toEqual([]);
  });

  it('names the field, the value and the admission check for a container that may escalate privileges', () => {
    const objects = withChanged('Deployment', (d) => {
      d.spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation = true;
    });
    expect(messages(objects, R)).toEqual([
      'spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation (true) must be false (container "server") [allowPrivilegeEscalation]',
    ]);
    expect(findings(objects, R)[0]).toMatchObject({ level: 'error', path: 'spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation', object: { kind: 'Deployment', name: 'llm', namespace: 'shop' } });
  });

  it('checks init containers too: capabilities not dropped', () => {
    const objects = withChanged('Deployment', (d) => {
      delete d.spec.template.spec.initContainers[0].securityContext.capabilities;
    });
    expect(messages(objects, R)).toEqual(['spec.template.spec.initContainers[0].securityContext.capabilities.drop (not set) must include ALL (container "fetch") [capabilities]']);
  });

  it('refuses host namespaces, hostPath volumes, hostPorts, root and privileged containers', () => {
    const objects = withChanged('Deployment', (d) => {
      const s = d.spec.template.spec;
      s.hostNetwork = true;
      s.volumes.push({ name: 'dev', hostPath: { path: '/dev' } });
      s.containers[0].ports[0].hostPort = 8000;
      s.containers[0].securityContext.privileged = true;
      s.containers[0].securityContext.runAsUser = 0;
    });
    expect(messages(objects, R)).toEqual([
      'spec.template.spec.hostNetwork (true) shares a host namespace; leave it unset or false [hostNamespaces]',
      'spec.template.spec.volumes[1].hostPath ("/dev") mounts a node path (volume "dev"); use a persistentVolumeClaim or an emptyDir [hostPathVolumes]',
      'spec.template.spec.volumes[1].hostPath ("hostPath") is not a volume type of the restricted profile (volume "dev"); use one of configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected, secret [restrictedVolumes]',
      'spec.template.spec.containers[0].securityContext.privileged (true) runs privileged (container "server"); leave it unset or false [privileged]',
      'spec.template.spec.containers[0].ports[0].hostPort (8000) binds a node port (container "server"); drop hostPort and reach the pod through a Service [hostPorts]',
      'spec.template.spec.containers[0].securityContext.runAsUser (0) is root (container "server"); use a non-zero UID [runAsUser]',
    ]);
  });

  it('takes runAsNonRoot and seccompProfile from the pod when the container leaves them unset, and requires them somewhere', () => {
    const objects = withChanged('Deployment', (d) => {
      delete d.spec.template.spec.securityContext;
    });
    expect(messages(objects, R).filter((m) => m.includes('container "server"'))).toEqual([
      'spec.template.spec.containers[0].securityContext.runAsNonRoot (not set) must be true, or spec.template.spec.securityContext.runAsNonRoot true (container "server") [runAsNonRoot]',
      'spec.template.spec.containers[0].securityContext.seccompProfile.type (not set) must be RuntimeDefault or Localhost, here or in spec.template.spec.securityContext.seccompProfile.type (container "server") [seccompProfile]',
    ]);
  });

  it('lists a suppressed violation with its reason instead of failing', () => {
    const objects = withChanged('Deployment', (d) => {
      d.spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation = true;
      suppress(d, [R], 'the profiler needs ptrace in staging');
    });
    expect(findings(objects, R)).toEqual([]);
    expect(suppressed(objects, R).map((f) => f.reason)).toEqual(['the profiler needs ptrace in staging']);
  });

  it('finds no violation in any pod built from the restricted settings, whatever other capabilities and volumes it adds from the allowed sets', () => {
    const allowedVolume = fc.constantFrom('configMap', 'emptyDir', 'secret', 'persistentVolumeClaim', 'projected', 'downwardAPI');
    fc.assert(
      fc.property(fc.array(allowedVolume, { maxLength: 4 }), fc.boolean(), fc.integer({ min: 1, max: 65535 }), (volumes, addBind, uid) => {
        const spec = deployment().spec.template.spec;
        spec.volumes = volumes.map((v, i) => ({ name: `v${i}`, [v]: {} }));
        spec.containers[0].securityContext.runAsUser = uid;
        if (addBind) spec.containers[0].securityContext.capabilities.add = ['NET_BIND_SERVICE'];
        expect(podSecurityViolations('spec', spec, {})).toEqual([]);
      }),
    );
  });

  it('finds a violation for any capability added besides NET_BIND_SERVICE', () => {
    fc.assert(
      fc.property(fc.constantFrom('SYS_ADMIN', 'NET_ADMIN', 'SYS_PTRACE', 'CHOWN', 'NET_RAW'), (cap) => {
        const spec = deployment().spec.template.spec;
        spec.containers[0].securityContext.capabilities.add = [cap];
        expect(podSecurityViolations('spec', spec, {}).map((v) => v.message)).toEqual([`spec.containers[0].securityContext.capabilities.add ([${cap}]) may only add NET_BIND_SERVICE (container "server") [capabilities]`]);
      }),
    );
  });
});

describe('pod-security-restricted against the test helper', () => {
  it('finds the same admission checks as test/helpers/pod-security.ts on random pod specs', async () => {
    const { podSecurityRestrictedViolations } = await import('../helpers/pod-security');
    const checkId = (m: string) => /^\[(\w+)\]/.exec(m)?.[1] ?? /\[(\w+)\]$/.exec(m)?.[1];
    const optional = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
    const securityContext = fc.record(
      {
        runAsNonRoot: optional(fc.boolean()),
        runAsUser: optional(fc.constantFrom(0, 1000)),
        allowPrivilegeEscalation: optional(fc.boolean()),
        privileged: optional(fc.boolean()),
        seccompProfile: optional(fc.record({ type: fc.constantFrom('RuntimeDefault', 'Localhost', 'Unconfined') })),
        capabilities: optional(fc.record({ drop: optional(fc.constantFrom(['ALL'], ['NET_RAW'])), add: optional(fc.constantFrom(['NET_BIND_SERVICE'], ['SYS_ADMIN'])) })),
        procMount: optional(fc.constantFrom('Default', 'Unmasked')),
      },
      { requiredKeys: [] },
    );
    const container = fc.record({ name: fc.constantFrom('a', 'b'), image: fc.constant('x:1'), securityContext: optional(securityContext), ports: optional(fc.constantFrom([{ containerPort: 80 }], [{ containerPort: 80, hostPort: 80 }])) }, { requiredKeys: ['name', 'image'] });
    const pod = fc.record(
      {
        hostNetwork: optional(fc.boolean()),
        hostPID: optional(fc.boolean()),
        securityContext: optional(fc.record({ runAsNonRoot: optional(fc.boolean()), seccompProfile: optional(fc.record({ type: fc.constantFrom('RuntimeDefault', 'Unconfined') })), sysctls: optional(fc.constantFrom([{ name: 'kernel.msgmax', value: '1' }], [{ name: 'net.ipv4.tcp_syncookies', value: '1' }])) }, { requiredKeys: [] })),
        containers: fc.array(container, { minLength: 1, maxLength: 2 }),
        initContainers: optional(fc.array(container, { maxLength: 1 })),
        volumes: optional(fc.constantFrom([{ name: 'v', emptyDir: {} }], [{ name: 'h', hostPath: { path: '/' } }], [{ name: 'n', nfs: { server: 's', path: '/' } }])),
      },
      { requiredKeys: ['containers'] },
    );
    fc.assert(
      fc.property(pod, (spec) => {
        const clean = JSON.parse(JSON.stringify(spec));
        const ours = podSecurityViolations('spec', clean, {}).map((v) => checkId(v.message)).sort();
        const theirs = podSecurityRestrictedViolations(clean, {}).map(checkId).sort();
        expect(ours).toEqual(theirs);
      }),
      { numRuns: 300 },
    );
  });
});
