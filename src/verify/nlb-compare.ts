/**
 * Compares the NLB a Service asks for (nlb-expected.ts) with the NLB AWS has (nlb-live.ts):
 * one row per value, ok / drift / missing. Pure.
 */
import { Expect, ExpectedListener, ExpectedNlb, ExpectedTargetGroup } from './nlb-expected';
import { LiveListener, LiveNlb, LiveTargetGroup } from './nlb-live';

export type RowStatus = 'ok' | 'drift' | 'missing';

export interface Row {
  readonly status: RowStatus;
  /** What is compared, e.g. `listener 443 ssl policy`. */
  readonly check: string;
  readonly expected: string;
  readonly live: string;
  /** Where the expected value comes from (an annotation, a default, the manifest). */
  readonly from: string;
}

const NONE = '(none)';

function row(check: string, expected: Expect, live: string | number | undefined): Row {
  const liveText = live === undefined || live === '' ? NONE : String(live);
  return {
    status: live === undefined || live === '' ? 'missing' : liveText === expected.value ? 'ok' : 'drift',
    check,
    expected: expected.value,
    live: liveText,
    from: expected.from,
  };
}

function attributeRows(prefix: string, expected: Readonly<Record<string, Expect>>, live: Readonly<Record<string, string>>): Row[] {
  return Object.keys(expected)
    .sort()
    .map((key) => row(`${prefix}attribute ${key}`, expected[key], live[key]));
}

/** Every row of the comparison, in a stable order: load balancer, then each listener and its target group. */
export function compareNlb(expected: ExpectedNlb, live: LiveNlb): Row[] {
  const lb = live.loadBalancer;
  const rows: Row[] = [
    row('load balancer type', expected.type, lb.Type),
    row('scheme', expected.scheme, lb.Scheme),
    row('state', { value: 'active', from: 'AWS (a usable NLB)' }, lb.State?.Code),
    ...attributeRows('', expected.attributes, live.attributes),
  ];
  const byPort = new Map<number, LiveListener>(live.listeners.map((l) => [l.listener.Port ?? -1, l]));
  for (const want of expected.listeners) {
    const have = byPort.get(want.port);
    if (!have) {
      rows.push({ status: 'missing', check: `listener ${want.port}`, expected: `${want.protocol.value} ${want.port}`, live: NONE, from: 'Service port' });
      rows.push({ status: 'missing', check: `target group ${want.port}`, expected: `${want.targetGroup.protocol.value}, ${want.targetGroup.targetType.value} targets`, live: `${NONE} (no listener on ${want.port})`, from: 'Service port' });
      continue;
    }
    rows.push(...listenerRows(want, have));
    if (!have.targetGroup) {
      const action = have.listener.DefaultActions?.[0];
      rows.push({
        status: 'missing',
        check: `target group ${want.port}`,
        expected: `${want.targetGroup.protocol.value}, ${want.targetGroup.targetType.value} targets`,
        live: `${NONE} (the listener forwards to ${action?.TargetGroupArn ?? action?.Type ?? 'nothing'}, not a target group of this NLB)`,
        from: 'Service port',
      });
      continue;
    }
    rows.push(...targetGroupRows(want.port, want.targetGroup, have.targetGroup, expected));
  }
  const wanted = new Set(expected.listeners.map((l) => l.port));
  for (const extra of live.listeners.filter((l) => !wanted.has(l.listener.Port ?? -1))) {
    rows.push({ status: 'drift', check: `listener ${extra.listener.Port}`, expected: NONE, live: `${extra.listener.Protocol} ${extra.listener.Port}`, from: 'Service ports (no such port)' });
  }
  return rows;
}

function listenerRows(want: ExpectedListener, have: LiveListener): Row[] {
  const l = have.listener;
  const p = `listener ${want.port} `;
  const rows = [row(`${p}protocol`, want.protocol, l.Protocol)];
  if (want.certificates) {
    // The controller makes the annotation's first certificate the default and adds the rest
    // as further listener certificates (SNI): the default must match, the others as a set.
    const [first, ...others] = want.certificates.value.split(',');
    const [liveFirst, ...liveOthers] = have.certificates;
    rows.push(row(`${p}certificate`, { value: first, from: want.certificates.from }, liveFirst ?? l.Certificates?.[0]?.CertificateArn));
    if (others.length > 0 || liveOthers.length > 0) {
      const same = others.length === liveOthers.length && others.every((c) => liveOthers.includes(c));
      rows.push({
        status: same ? 'ok' : 'drift',
        check: `${p}further certificates`,
        expected: others.join(',') || NONE,
        live: liveOthers.join(',') || NONE,
        from: want.certificates.from,
      });
    }
  }
  if (want.sslPolicy) rows.push(row(`${p}ssl policy`, want.sslPolicy, l.SslPolicy));
  if (want.alpnPolicy) rows.push(row(`${p}alpn policy`, want.alpnPolicy, l.AlpnPolicy?.[0] ?? 'None'));
  rows.push(...attributeRows(p, want.attributes, have.attributes));
  return rows;
}

function targetGroupRows(port: number, want: ExpectedTargetGroup, have: LiveTargetGroup, expected: ExpectedNlb): Row[] {
  const tg = have.targetGroup;
  const p = `target group ${port} `;
  const hc = want.healthCheck;
  const rows = [row(`${p}protocol`, want.protocol, tg.Protocol), row(`${p}target type`, want.targetType, tg.TargetType), row(`${p}health check protocol`, hc.protocol, tg.HealthCheckProtocol)];
  if (hc.port) rows.push(row(`${p}health check port`, hc.port, tg.HealthCheckPort));
  if (hc.path) rows.push(row(`${p}health check path`, hc.path, tg.HealthCheckPath));
  if (hc.successCodes) rows.push(row(`${p}health check success codes`, hc.successCodes, tg.Matcher?.HttpCode));
  rows.push(
    row(`${p}health check interval`, hc.intervalSeconds, tg.HealthCheckIntervalSeconds),
    row(`${p}health check timeout`, hc.timeoutSeconds, tg.HealthCheckTimeoutSeconds),
    row(`${p}healthy threshold`, hc.healthyThreshold, tg.HealthyThresholdCount),
    row(`${p}unhealthy threshold`, hc.unhealthyThreshold, tg.UnhealthyThresholdCount),
    ...attributeRows(p, want.attributes, have.attributes),
    healthRow(`${p}healthy targets`, have, expected),
  );
  return rows;
}

function healthRow(check: string, have: LiveTargetGroup, expected: ExpectedNlb): Row {
  const states = new Map<string, number>();
  const reasons = new Set<string>();
  for (const d of have.health) {
    const state = d.TargetHealth?.State ?? 'unknown';
    states.set(state, (states.get(state) ?? 0) + 1);
    if (state !== 'healthy' && d.TargetHealth?.Reason) reasons.add(d.TargetHealth.Reason);
  }
  const healthy = states.get('healthy') ?? 0;
  const others = [...states].filter(([s]) => s !== 'healthy').map(([s, n]) => `${n} ${s}`);
  const live = `${healthy} of ${have.health.length}${others.length > 0 ? ` (${others.join(', ')}${reasons.size > 0 ? `: ${[...reasons].join(', ')}` : ''})` : ''}`;
  const r = expected.replicas;
  const want = r ?? { count: 1, atLeast: true, source: 'no workload selected by the Service in the manifest' };
  const ok = want.atLeast ? healthy >= want.count : healthy === want.count;
  return { status: ok ? 'ok' : 'drift', check, expected: `${want.atLeast ? '>= ' : ''}${want.count}`, live, from: want.source };
}

/** The command's verdict: 0 every row ok, 1 any drift or missing. */
export function exitCodeOf(rows: readonly Row[]): 0 | 1 {
  return rows.every((r) => r.status === 'ok') ? 0 : 1;
}
