/**
 * Security contexts of the inference pod and container, meeting Pod Security "restricted":
 * non-root with a fixed UID/GID, the runtime's default seccomp profile, no privilege
 * escalation, every capability dropped, a read-only root filesystem.
 */
import { k8s } from 'cdk8s-plus-28';
import { PodIdentity } from '../spec/workload';

const RUNTIME_DEFAULT_SECCOMP: k8s.SeccompProfile = { type: 'RuntimeDefault' };

/** Pod-level context: the identity, fsGroup on the volumes, chowned only on a root mismatch. */
export function podSecurityContext(identity: Required<PodIdentity>): k8s.PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: identity.runAsUser,
    runAsGroup: identity.runAsGroup,
    fsGroup: identity.fsGroup,
    // Large model volumes: chown only when the root's owner differs.
    fsGroupChangePolicy: 'OnRootMismatch',
    seccompProfile: RUNTIME_DEFAULT_SECCOMP,
  };
}

/** Container-level context: the same identity, and nothing a compromised server could use. */
export function containerSecurityContext(identity: Required<PodIdentity>): k8s.SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    runAsUser: identity.runAsUser,
    runAsGroup: identity.runAsGroup,
    capabilities: { drop: ['ALL'] },
    seccompProfile: RUNTIME_DEFAULT_SECCOMP,
  };
}
