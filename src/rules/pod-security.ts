/**
 * Pack `pod-security`: the Pod Security Standards profile "restricted" (Kubernetes v1.28),
 * which includes the baseline, as a rule over every object that runs pods. Sources: the
 * "Pod Security Standards" page on kubernetes.io (v1.28) and the checks of
 * k8s.io/pod-security-admission (policy/check_*.go, the v1.28 version of each check); each
 * message names the admission check it mirrors in brackets.
 *
 * As in the admission plugin, a pod with `spec.os.name: windows` skips the Linux-only checks
 * (allowPrivilegeEscalation, seccompProfile, capabilities).
 */
import { RULE_IDS } from '../conventions';
import { problem } from './message';
import { annotationsOf, containersOf, isObject, keyPath, workloadsOf } from './objects';
import { K8sObject, RawFinding, Rule } from './types';

/** Volume sources the restricted profile allows ("Volume Types" control). */
const RESTRICTED_VOLUME_TYPES: readonly string[] = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];

/** Sysctls the baseline profile allows at v1.28 (the tcp_keepalive/fin ones come in v1.29). */
const SAFE_SYSCTLS: readonly string[] = [
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
];

/** SELinux types the baseline profile allows at v1.28 ('' is unset). */
const SELINUX_TYPES: readonly string[] = ['', 'container_t', 'container_init_t', 'container_kvm_t'];

const SECCOMP_TYPES: readonly string[] = ['RuntimeDefault', 'Localhost'];

/** The only capability a restricted container may add. */
const ADDABLE_CAPABILITY = 'NET_BIND_SERVICE';

/** Pod annotation prefix of the AppArmor profile of a container (before the v1.30 field). */
const APPARMOR_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

/** Every violation of the restricted profile in one pod template. */
export function podSecurityViolations(specPath: string, podSpec: K8sObject, podAnnotations: Record<string, string>): { path: string; message: string }[] {
  const out: { path: string; message: string }[] = [];
  const add = (check: string, path: string, value: unknown, rule: string) => out.push({ path, message: problem(path, value, `${rule} [${check}]`) });
  const podSc: K8sObject = isObject(podSpec.securityContext) ? podSpec.securityContext : {};
  const scPath = `${specPath}.securityContext`;
  const linux = podSpec.os?.name !== 'windows';
  const metaPath = specPath === 'spec' ? 'metadata' : `${specPath.slice(0, -'.spec'.length)}.metadata`;

  // Baseline, pod level.
  for (const ns of ['hostNetwork', 'hostPID', 'hostIPC']) {
    if (podSpec[ns] === true) add('hostNamespaces', `${specPath}.${ns}`, true, 'shares a host namespace; leave it unset or false');
  }
  if (podSc.windowsOptions?.hostProcess === true) add('windowsHostProcess', `${scPath}.windowsOptions.hostProcess`, true, 'runs a Windows host process; leave it unset or false');
  seLinux(podSc.seLinuxOptions, `${scPath}.seLinuxOptions`, add);
  (Array.isArray(podSc.sysctls) ? podSc.sysctls : []).forEach((s: K8sObject, i: number) => {
    if (!SAFE_SYSCTLS.includes(s?.name)) add('sysctls', `${scPath}.sysctls[${i}].name`, s?.name, `is not a safe sysctl; use one of ${SAFE_SYSCTLS.join(', ')} or drop it`);
  });
  (Array.isArray(podSpec.volumes) ? podSpec.volumes : []).forEach((v: K8sObject, i: number) => {
    if (!isObject(v)) return;
    for (const source of Object.keys(v).filter((k) => k !== 'name')) {
      if (source === 'hostPath') add('hostPathVolumes', `${specPath}.volumes[${i}].hostPath`, v.hostPath?.path, `mounts a node path (volume "${v.name}"); use a persistentVolumeClaim or an emptyDir`);
      // hostPath breaks both the baseline and the restricted control, as in the admission plugin.
      if (!RESTRICTED_VOLUME_TYPES.includes(source)) add('restrictedVolumes', `${specPath}.volumes[${i}].${source}`, source, `is not a volume type of the restricted profile (volume "${v.name}"); use one of ${RESTRICTED_VOLUME_TYPES.join(', ')}`);
    }
  });
  for (const [key, value] of Object.entries(podAnnotations)) {
    if (key.startsWith(APPARMOR_PREFIX) && value !== 'runtime/default' && !String(value).startsWith('localhost/')) {
      add('appArmorProfile', keyPath(`${metaPath}.annotations`, key), value, 'must be runtime/default or localhost/<profile>');
    }
  }

  // Restricted, pod level.
  if (podSc.runAsNonRoot === false) add('runAsNonRoot', `${scPath}.runAsNonRoot`, false, 'lets containers run as root; set it to true');
  if (podSc.runAsUser === 0) add('runAsUser', `${scPath}.runAsUser`, 0, 'is root; use a non-zero UID');
  const podSeccomp = podSc.seccompProfile?.type;
  if (linux && podSeccomp !== undefined && !SECCOMP_TYPES.includes(podSeccomp)) add('seccompProfile', `${scPath}.seccompProfile.type`, podSeccomp, 'must be RuntimeDefault or Localhost');

  for (const { container: c, path } of containersOf({ metadata: {}, spec: podSpec, specPath })) {
    const sc: K8sObject = isObject(c.securityContext) ? c.securityContext : {};
    const at = `${path}.securityContext`;
    const who = `(container "${c.name}")`;
    if (sc.privileged === true) add('privileged', `${at}.privileged`, true, `runs privileged ${who}; leave it unset or false`);
    if (sc.windowsOptions?.hostProcess === true) add('windowsHostProcess', `${at}.windowsOptions.hostProcess`, true, `runs a Windows host process ${who}; leave it unset or false`);
    if (sc.procMount !== undefined && sc.procMount !== 'Default') add('procMount', `${at}.procMount`, sc.procMount, `must be unset or Default ${who}`);
    seLinux(sc.seLinuxOptions, `${at}.seLinuxOptions`, add);
    (Array.isArray(c.ports) ? c.ports : []).forEach((p: K8sObject, j: number) => {
      if (p?.hostPort !== undefined && p.hostPort !== 0) add('hostPorts', `${path}.ports[${j}].hostPort`, p.hostPort, `binds a node port ${who}; drop hostPort and reach the pod through a Service`);
    });
    if (sc.runAsNonRoot === false) add('runAsNonRoot', `${at}.runAsNonRoot`, false, `lets the container run as root ${who}; set it to true`);
    else if (sc.runAsNonRoot !== true && podSc.runAsNonRoot !== true) add('runAsNonRoot', `${at}.runAsNonRoot`, sc.runAsNonRoot, `must be true, or ${scPath}.runAsNonRoot true ${who}`);
    if (sc.runAsUser === 0) add('runAsUser', `${at}.runAsUser`, 0, `is root ${who}; use a non-zero UID`);
    if (!linux) continue;
    if (sc.allowPrivilegeEscalation !== false) add('allowPrivilegeEscalation', `${at}.allowPrivilegeEscalation`, sc.allowPrivilegeEscalation, `must be false ${who}`);
    const seccomp = sc.seccompProfile?.type;
    if (seccomp !== undefined ? !SECCOMP_TYPES.includes(seccomp) : !SECCOMP_TYPES.includes(podSeccomp)) {
      add('seccompProfile', `${at}.seccompProfile.type`, seccomp, `must be RuntimeDefault or Localhost, here or in ${scPath}.seccompProfile.type ${who}`);
    }
    const drop: unknown[] = Array.isArray(sc.capabilities?.drop) ? sc.capabilities.drop : [];
    if (!drop.includes('ALL')) add('capabilities', `${at}.capabilities.drop`, sc.capabilities?.drop, `must include ALL ${who}`);
    const added: unknown[] = Array.isArray(sc.capabilities?.add) ? sc.capabilities.add : [];
    if (added.some((a) => a !== ADDABLE_CAPABILITY)) add('capabilities', `${at}.capabilities.add`, added, `may only add ${ADDABLE_CAPABILITY} ${who}`);
  }
  return out;
}

/** Baseline SELinux control: an allowed type, no custom user or role. */
function seLinux(opts: unknown, at: string, add: (check: string, path: string, value: unknown, rule: string) => void): void {
  if (!isObject(opts)) return;
  if (opts.type !== undefined && !SELINUX_TYPES.includes(opts.type)) add('seLinuxOptions', `${at}.type`, opts.type, 'must be unset or container_t, container_init_t or container_kvm_t');
  for (const field of ['user', 'role']) {
    if (opts[field] !== undefined && opts[field] !== '') add('seLinuxOptions', `${at}.${field}`, opts[field], 'must be unset or empty');
  }
}

export const POD_SECURITY_RULES: readonly Rule[] = [
  {
    id: RULE_IDS.podSecurityRestricted,
    name: 'pod-security-restricted',
    pack: 'pod-security',
    level: 'error',
    summary: 'Pods meet the Pod Security Standards profile "restricted" (v1.28), in every container and init container.',
    why: 'A namespace enforcing the restricted profile (pod-security.kubernetes.io/enforce: restricted) refuses the pod: the ReplicaSet never gets its pods and the rollout stalls. Outside such a namespace, a root or privileged container with its capabilities and no seccomp filter turns a compromised model server into a compromised node.',
    fix: 'Set runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities.drop: [ALL] and seccompProfile.type: RuntimeDefault in every container (or the pod securityContext where the field exists there); drop host namespaces, hostPath volumes and hostPorts.',
    check(ctx) {
      const out: RawFinding[] = [];
      for (const { object, template } of workloadsOf(ctx.objects)) {
        for (const v of podSecurityViolations(template.specPath, template.spec, annotationsOf({ metadata: template.metadata }))) {
          out.push({ object, path: v.path, message: v.message });
        }
      }
      return out;
    },
  },
];
