/**
 * Pod Security Standards, profile "restricted" at Kubernetes v1.28, as a pure check over a
 * pod spec, for tests only. The restricted profile includes every baseline control, so
 * both are checked. Source of the rules: kubernetes.io "Pod Security Standards" and the
 * pod-security-admission checks (k8s.io/pod-security-admission/policy, v1.28 versions of
 * each check). Each message starts with the id of the matching admission check, e.g. `[runAsNonRoot]`.
 *
 * As in the admission plugin, a pod with `spec.os.name: windows` is exempt from the
 * Linux-only restricted checks (allowPrivilegeEscalation, seccompProfile, capabilities).
 */

type Json = Record<string, any>;

/** Volume sources the restricted profile allows (PSS "Volume Types"). */
const RESTRICTED_VOLUME_TYPES: ReadonlySet<string> = new Set([
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
]);

/** Safe sysctls of the baseline profile from v1.27 (v1.29 adds the tcp_keepalive/fin ones). */
const SAFE_SYSCTLS: ReadonlySet<string> = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
]);

/** SELinux types the baseline profile allows before v1.31 (which adds container_engine_t). */
const SELINUX_TYPES: ReadonlySet<string> = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t']);

const SECCOMP_TYPES: ReadonlySet<string> = new Set(['RuntimeDefault', 'Localhost']);

/** The only capability the restricted profile lets a container add. */
const ADDABLE_CAPABILITY = 'NET_BIND_SERVICE';

const APPARMOR_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

const CONTAINER_LISTS = [
  ['containers', 'container'],
  ['initContainers', 'initContainer'],
  ['ephemeralContainers', 'ephemeralContainer'],
] as const;

/** Kinds whose pod template sits at `spec.template`. */
const TEMPLATE_KINDS: ReadonlySet<string> = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'ReplicationController']);

function show(v: unknown): string {
  return v === undefined ? 'unset' : JSON.stringify(v);
}

/**
 * The pod template (`metadata` and `spec`) of a Pod, PodTemplate, Deployment, StatefulSet,
 * DaemonSet, ReplicaSet, ReplicationController, Job or CronJob manifest.
 * @returns undefined for kinds without pods; throws when such a kind lacks its pod spec.
 */
export function podTemplateOf(manifest: Json): { metadata: Json; spec: Json } | undefined {
  let template: Json | undefined;
  let where: string;
  if (manifest.kind === 'Pod') {
    template = manifest;
    where = 'spec';
  } else if (manifest.kind === 'PodTemplate') {
    template = manifest.template;
    where = 'template.spec';
  } else if (manifest.kind === 'CronJob') {
    template = manifest.spec?.jobTemplate?.spec?.template;
    where = 'spec.jobTemplate.spec.template.spec';
  } else if (TEMPLATE_KINDS.has(manifest.kind)) {
    template = manifest.spec?.template;
    where = 'spec.template.spec';
  } else {
    return undefined;
  }
  if (!template || typeof template.spec !== 'object' || template.spec === null) {
    throw new Error(`${manifest.kind}/${manifest.metadata?.name ?? '<no name>'} has no ${where}`);
  }
  return { metadata: template.metadata ?? {}, spec: template.spec };
}

/**
 * The pod spec of a workload manifest (see podTemplateOf for the kinds).
 * @returns undefined for kinds without pods.
 */
export function podSpecOf(manifest: Json): Json | undefined {
  return podTemplateOf(manifest)?.spec;
}

/**
 * Violations of the Pod Security "restricted" profile (v1.28), which includes the baseline.
 * @param podSpec a PodSpec, e.g. from podSpecOf(manifest)
 * @param podAnnotations the pod template's annotations, for the AppArmor check
 * @returns one message per violation, `[checkId] who: field rule (got value)`; empty when
 *   the pod complies
 */
export function podSecurityRestrictedViolations(podSpec: Json, podAnnotations: Record<string, string> = {}): string[] {
  const out: string[] = [];
  const podSc: Json = podSpec.securityContext ?? {};
  const linux = podSpec.os?.name !== 'windows';
  const pod = (check: string, field: string, rule: string, value: unknown) =>
    out.push(`[${check}] pod: spec.${field} ${rule} (got ${show(value)})`);

  // Baseline, pod level.
  for (const ns of ['hostNetwork', 'hostPID', 'hostIPC']) {
    if (podSpec[ns] === true) pod('hostNamespaces', ns, 'must be unset or false', true);
  }
  if (podSc.windowsOptions?.hostProcess === true) {
    pod('windowsHostProcess', 'securityContext.windowsOptions.hostProcess', 'must be unset or false', true);
  }
  seLinux(podSc.seLinuxOptions, (field, rule, value) => pod('seLinuxOptions', `securityContext.seLinuxOptions.${field}`, rule, value));
  (podSc.sysctls ?? []).forEach((s: Json, i: number) => {
    if (!SAFE_SYSCTLS.has(s.name)) {
      pod('sysctls', `securityContext.sysctls[${i}].name`, `must be one of ${[...SAFE_SYSCTLS].join(', ')}`, s.name);
    }
  });
  (podSpec.volumes ?? []).forEach((v: Json, i: number) => {
    const sources = Object.keys(v).filter((k) => k !== 'name');
    if (sources.includes('hostPath')) {
      pod('hostPathVolumes', `volumes[${i}].hostPath`, `must be unset (volume "${v.name}")`, v.hostPath);
    }
    for (const s of sources.filter((k) => !RESTRICTED_VOLUME_TYPES.has(k))) {
      pod('restrictedVolumes', `volumes[${i}].${s}`, `is not an allowed volume type (volume "${v.name}"); use one of ${[...RESTRICTED_VOLUME_TYPES].join(', ')}`, v[s]);
    }
  });
  for (const [key, value] of Object.entries(podAnnotations)) {
    if (key.startsWith(APPARMOR_PREFIX) && value !== 'runtime/default' && !value.startsWith('localhost/')) {
      out.push(`[appArmorProfile] pod: metadata.annotations["${key}"] must be runtime/default or localhost/<profile> (got ${show(value)})`);
    }
  }

  // Restricted, pod level.
  if (podSc.runAsNonRoot === false) pod('runAsNonRoot', 'securityContext.runAsNonRoot', 'must be unset or true', false);
  if (podSc.runAsUser === 0) pod('runAsUser', 'securityContext.runAsUser', 'must not be 0', 0);
  const podSeccomp = podSc.seccompProfile?.type;
  if (linux && podSeccomp !== undefined && !SECCOMP_TYPES.has(podSeccomp)) {
    pod('seccompProfile', 'securityContext.seccompProfile.type', 'must be RuntimeDefault or Localhost', podSeccomp);
  }

  // Every container, init container and ephemeral container.
  for (const [list, noun] of CONTAINER_LISTS) {
    (podSpec[list] ?? []).forEach((c: Json, i: number) => {
      const sc: Json = c.securityContext ?? {};
      const at = `spec.${list}[${i}]`;
      const bad = (check: string, field: string, rule: string, value: unknown) =>
        out.push(`[${check}] ${noun} "${c.name}": ${at}.${field} ${rule} (got ${show(value)})`);

      if (sc.privileged === true) bad('privileged', 'securityContext.privileged', 'must be unset or false', true);
      if (sc.windowsOptions?.hostProcess === true) {
        bad('windowsHostProcess', 'securityContext.windowsOptions.hostProcess', 'must be unset or false', true);
      }
      if (sc.procMount !== undefined && sc.procMount !== 'Default') {
        bad('procMount', 'securityContext.procMount', 'must be unset or Default', sc.procMount);
      }
      seLinux(sc.seLinuxOptions, (field, rule, value) => bad('seLinuxOptions', `securityContext.seLinuxOptions.${field}`, rule, value));
      (c.ports ?? []).forEach((p: Json, j: number) => {
        if (p.hostPort !== undefined && p.hostPort !== 0) bad('hostPorts', `ports[${j}].hostPort`, 'must be unset or 0', p.hostPort);
      });

      if (sc.runAsNonRoot === false) {
        bad('runAsNonRoot', 'securityContext.runAsNonRoot', 'must be unset or true', false);
      } else if (sc.runAsNonRoot !== true && podSc.runAsNonRoot !== true) {
        bad('runAsNonRoot', 'securityContext.runAsNonRoot', 'must be true, or spec.securityContext.runAsNonRoot must be true', sc.runAsNonRoot);
      }
      if (sc.runAsUser === 0) bad('runAsUser', 'securityContext.runAsUser', 'must not be 0', 0);

      if (!linux) return;
      if (sc.allowPrivilegeEscalation !== false) {
        bad('allowPrivilegeEscalation', 'securityContext.allowPrivilegeEscalation', 'must be false', sc.allowPrivilegeEscalation);
      }
      const seccomp = sc.seccompProfile?.type;
      if (seccomp !== undefined ? !SECCOMP_TYPES.has(seccomp) : !SECCOMP_TYPES.has(podSeccomp)) {
        bad(
          'seccompProfile',
          'securityContext.seccompProfile.type',
          'must be RuntimeDefault or Localhost, or unset with spec.securityContext.seccompProfile.type one of them',
          seccomp,
        );
      }
      const drop: unknown[] = sc.capabilities?.drop ?? [];
      if (!drop.includes('ALL')) bad('capabilities', 'securityContext.capabilities.drop', 'must include "ALL"', sc.capabilities?.drop);
      const added = ((sc.capabilities?.add ?? []) as unknown[]).filter((a) => a !== ADDABLE_CAPABILITY);
      if (added.length) {
        bad('capabilities', 'securityContext.capabilities.add', `may only contain "${ADDABLE_CAPABILITY}"`, sc.capabilities.add);
      }
    });
  }
  return out;
}

/** Baseline SELinux rule: a type from SELINUX_TYPES, and no custom user or role. */
function seLinux(opts: Json | undefined, report: (field: string, rule: string, value: unknown) => void): void {
  if (!opts) return;
  if (opts.type !== undefined && !SELINUX_TYPES.has(opts.type)) {
    report('type', 'must be unset or one of container_t, container_init_t, container_kvm_t', opts.type);
  }
  for (const field of ['user', 'role']) {
    if (opts[field] !== undefined && opts[field] !== '') report(field, 'must be unset or empty', opts[field]);
  }
}
