import { describe, expect, it } from 'vitest';
import { containerSecurityContext, podSecurityContext } from '../../src/pod/security-context';
import { podSecurityRestrictedViolations } from '../helpers/pod-security';
import { resolved } from './fixtures';

const identity = resolved().identity;

describe('podSecurityContext', () => {
  it('runs the pod as non-root UID/GID/fsGroup 1001 with the RuntimeDefault seccomp profile', () => {
    expect(podSecurityContext(identity)).toEqual({
      runAsNonRoot: true,
      runAsUser: 1001,
      runAsGroup: 1001,
      fsGroup: 1001,
      fsGroupChangePolicy: 'OnRootMismatch',
      seccompProfile: { type: 'RuntimeDefault' },
    });
  });

  it('takes the UID, GID and fsGroup of the identity separately', () => {
    expect(podSecurityContext({ runAsUser: 2000, runAsGroup: 3000, fsGroup: 4000 })).toMatchObject({ runAsUser: 2000, runAsGroup: 3000, fsGroup: 4000 });
  });
});

describe('containerSecurityContext', () => {
  it('drops ALL capabilities, forbids privilege escalation and mounts the root filesystem read-only', () => {
    expect(containerSecurityContext(identity)).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      runAsUser: 1001,
      runAsGroup: 1001,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
  });
});

describe('both contexts together', () => {
  it('meet Pod Security "restricted"', () => {
    const podSpec = {
      securityContext: podSecurityContext(identity),
      containers: [{ name: 'inference', image: 'x:1', securityContext: containerSecurityContext(identity) }],
    };
    expect(podSecurityRestrictedViolations(podSpec)).toEqual([]);
  });
});
