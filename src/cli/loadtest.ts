/**
 * `cdk8s-ai-inference loadtest`: runs one scenario of the source documents against a URL with
 * autocannon and judges the result against the scenario's thresholds (and the SLO of
 * synthesized manifests with --slo). A thin layer: parse the flags, call src/loadtest/, print.
 */
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { REPORT_FORMATS, ReportFormat, formatReport, progressBar } from '../loadtest/format';
import { LIMITS, METHODS, formatSeconds, parseDurationSeconds } from '../loadtest/limits';
import { displayUrl, planRun } from '../loadtest/plan';
import { runLoad } from '../loadtest/run';
import { SCENARIOS, SCENARIO_NAMES, Scenario, Threshold } from '../loadtest/scenarios';
import { sloFromManifests } from '../loadtest/slo';
import { summarizeRun } from '../loadtest/summary';
import { combineThresholds, judge } from '../loadtest/verdict';
import { HIDDEN_VALUE } from '../spec/credentials';
import { HiddenValue, hideSecret, nearest } from '../spec/problems';
import { CliIo } from './io';

export const summary = 'Load-test a deployed service with a seed scenario and judge it against the thresholds (and the SLO of the manifests)';

const COMMAND = 'cdk8s-ai-inference loadtest';

const n = (v: number) => v.toLocaleString('en-US');

function scenarioLines(): string[] {
  return SCENARIO_NAMES.map((name) => `  ${name.padEnd(14)} ${SCENARIOS[name].description}`);
}

export function usage(): string {
  return [
    `Usage: ${COMMAND} --url <url> --scenario <name> [options]`,
    '',
    'Sends the scenario\'s requests to <url> and prints p50/p95/p99 latency, throughput and error',
    'rate (non-2xx + socket errors + timeouts over all requests), with a pass/fail verdict per threshold.',
    'There is no default target: --url is required. A --url without a path gets the scenario\'s path.',
    '',
    'Scenarios:',
    ...scenarioLines(),
    '',
    'Options:',
    '  --url <url>            http:// or https:// URL of the service (required)',
    '  --scenario <name>      one of the scenarios above (required)',
    `  --users <n>            concurrent connections, 1-${n(LIMITS.maxUsers)} (default: the scenario's)`,
    "  --amount <n>           requests to send, at most the request cap (default: the scenario's)",
    "  --duration <d>         how long to run: 90, 90s, 5m, 1h (default: the scenario's)",
    `  --rate <r>             requests per second over all users, 1-${n(LIMITS.maxRate)} (default: the scenario's; none)`,
    `  --method <m>           ${METHODS.join(', ')} (default: the scenario's, POST)`,
    '  --body <file>          request body file, replacing the scenario\'s (content-type application/json)',
    `  --timeout <d>          per-request timeout, ${formatSeconds(LIMITS.minTimeoutSeconds)}-${formatSeconds(LIMITS.maxTimeoutSeconds)} (default: the scenario's)`,
    '  --slo <file>           synthesized manifests (e.g. dist/app.k8s.yaml): their SLO alert thresholds',
    "                         (p95, p99, error-rate objective) replace the scenario's for the same metric",
    `  --format <f>           ${REPORT_FORMATS.join(', ')} (default: text)`,
    `  --max-requests <n>     request cap, default ${n(LIMITS.defaultMaxRequests)}, at most ${n(LIMITS.hardMaxRequests)}`,
    `  --max-duration <d>     time cap, default ${formatSeconds(LIMITS.defaultMaxDurationSeconds)}, at most ${formatSeconds(LIMITS.hardMaxDurationSeconds)}`,
    '  -h, --help             this help',
    '',
    'Every run is bounded in requests and in time: it stops at the scenario\'s (or --amount\'s) count',
    'or duration, and never goes past the request cap or the time cap, whichever comes first.',
    '',
    'Exit codes: 0 every threshold holds, 1 a threshold is missed, 2 bad arguments or an error before the run.',
  ].join('\n');
}

const VALUE_FLAGS = ['url', 'scenario', 'users', 'amount', 'duration', 'rate', 'method', 'body', 'timeout', 'slo', 'format', 'max-requests', 'max-duration'] as const;
type Flag = (typeof VALUE_FLAGS)[number];

class Problems {
  readonly lines: string[] = [];
  /** `--flag (value) rule; fix`, the value hidden when it looks like a credential. */
  add(flag: string, raw: string | undefined, rule: string, fix: string): undefined {
    const shown = raw === undefined ? 'not set' : hideSecret([flag], raw) instanceof HiddenValue ? HIDDEN_VALUE : raw === '' ? '""' : raw;
    this.lines.push(`--${flag} (${shown}) ${rule}; ${fix}`);
    return undefined;
  }
}

function parseFlags(argv: readonly string[], problems: Problems): { values: Partial<Record<Flag, string>>; help: boolean } {
  const values: Partial<Record<Flag, string>> = {};
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    const m = /^--([a-z-]+)(?:=(.*))?$/s.exec(arg);
    if (!m) {
      problems.lines.push(`${JSON.stringify(arg)} is not an option; options start with -- (see --help), e.g. --url http://host:8000`);
      continue;
    }
    const name = m[1];
    if (!(VALUE_FLAGS as readonly string[]).includes(name)) {
      const guess = nearest(name, VALUE_FLAGS);
      problems.lines.push(`--${name} is not an option of loadtest; ${guess ? `did you mean --${guess}? ` : ''}options: ${VALUE_FLAGS.map((f) => `--${f}`).join(', ')}`);
      if (m[2] === undefined && argv[i + 1] !== undefined && !argv[i + 1].startsWith('--')) i++;
      continue;
    }
    let value = m[2];
    if (value === undefined) {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) {
        problems.add(name, undefined, 'needs a value', `write --${name} <value>`);
        continue;
      }
      value = next;
      i++;
    }
    if (values[name as Flag] !== undefined) {
      problems.add(name, value, `is given twice (first ${values[name as Flag]})`, `keep one --${name}`);
      continue;
    }
    values[name as Flag] = value;
  }
  return { values, help };
}

function wholeNumber(problems: Problems, flag: Flag, raw: string | undefined, min: number, max: number, what: string, fix: string): number | undefined {
  if (raw === undefined) return undefined;
  const v = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(v) || v < min || v > max) return problems.add(flag, raw, `must be a whole number from ${n(min)} to ${n(max)} (${what})`, fix);
  return v;
}

function seconds(problems: Problems, flag: Flag, raw: string | undefined, min: number, max: number, what: string, fix: string): number | undefined {
  if (raw === undefined) return undefined;
  const v = parseDurationSeconds(raw);
  if (v === undefined) return problems.add(flag, raw, `is not a duration (a number with ms, s, m or h, or bare seconds: 90, 90s, 5m, 1h)`, fix);
  if (v < min || v > max) return problems.add(flag, raw, `must be from ${formatSeconds(min)} to ${formatSeconds(max)} (${what})`, fix);
  return v;
}

function readText(io: CliIo, problems: Problems, flag: Flag, raw: string, maxBytes: number): string | undefined {
  const path = resolve(io.cwd, raw);
  try {
    const size = statSync(path).size;
    if (size > maxBytes) return problems.add(flag, raw, `is ${n(size)} bytes, above the ${n(maxBytes)}-byte limit`, 'give a smaller file');
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return problems.add(flag, raw, code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? (e as Error).message})`, 'give the path of a readable file (relative paths start at the working directory)');
  }
}

function validUrl(problems: Problems, raw: string | undefined): string | undefined {
  if (raw === undefined) return problems.add('url', undefined, 'is required: the load test has no default target', 'give the URL of the service to load, e.g. --url http://<LB_IP>:8000');
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return problems.add('url', raw, 'is not a URL', 'give an absolute URL such as http://<LB_IP>:8000/api/generate');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    return problems.add('url', raw, `uses ${u.protocol.replace(/:$/, '')}, but the load test speaks HTTP only`, 'give an http:// or https:// URL');
  }
  return raw;
}

interface Parsed {
  readonly url: string;
  readonly scenario: Scenario;
  readonly format: ReportFormat;
  readonly sloFile?: string;
  readonly slo: readonly Threshold[];
  readonly plan: ReturnType<typeof planRun>;
}

function parse(argv: readonly string[], io: CliIo): { help: true } | { problems: string[] } | Parsed {
  const problems = new Problems();
  const { values, help } = parseFlags(argv, problems);
  if (help) return { help: true };
  const url = validUrl(problems, values.url);
  let scenario: Scenario | undefined;
  if (values.scenario === undefined) problems.add('scenario', undefined, 'is required', `choose one of ${SCENARIO_NAMES.join(', ')}`);
  else if (!Object.prototype.hasOwnProperty.call(SCENARIOS, values.scenario)) {
    const guess = nearest(values.scenario, SCENARIO_NAMES);
    problems.add('scenario', values.scenario, 'is not a known scenario', `${guess ? `did you mean ${guess}? ` : ''}known scenarios: ${SCENARIO_NAMES.join(', ')}`);
  } else scenario = SCENARIOS[values.scenario];

  const maxRequests =
    wholeNumber(problems, 'max-requests', values['max-requests'], 1, LIMITS.hardMaxRequests, 'the request cap', `give at most ${n(LIMITS.hardMaxRequests)}`) ?? LIMITS.defaultMaxRequests;
  const maxDurationSeconds =
    seconds(problems, 'max-duration', values['max-duration'], LIMITS.minDurationSeconds, LIMITS.hardMaxDurationSeconds, 'the time cap', `give at most ${formatSeconds(LIMITS.hardMaxDurationSeconds)}`) ??
    LIMITS.defaultMaxDurationSeconds;
  const users = wholeNumber(problems, 'users', values.users, 1, LIMITS.maxUsers, 'concurrent connections', 'give e.g. --users 10');
  const amount =
    values.amount !== undefined && /^\d+$/.test(values.amount) && Number(values.amount) > maxRequests && Number(values.amount) <= LIMITS.hardMaxRequests
      ? problems.add('amount', values.amount, `is above the request cap of ${n(maxRequests)}`, `lower --amount, or raise the cap with --max-requests (at most ${n(LIMITS.hardMaxRequests)})`)
      : wholeNumber(problems, 'amount', values.amount, 1, maxRequests, 'requests to send, within the request cap', 'give e.g. --amount 1000');
  const durationSeconds = (() => {
    const v = values.duration !== undefined ? parseDurationSeconds(values.duration) : undefined;
    if (v !== undefined && v > maxDurationSeconds && v <= LIMITS.hardMaxDurationSeconds) {
      return problems.add('duration', values.duration, `is above the time cap of ${formatSeconds(maxDurationSeconds)}`, `shorten --duration, or raise the cap with --max-duration (at most ${formatSeconds(LIMITS.hardMaxDurationSeconds)})`);
    }
    return seconds(problems, 'duration', values.duration, LIMITS.minDurationSeconds, maxDurationSeconds, 'how long to run, within the time cap', 'give e.g. --duration 60s');
  })();
  const rate = wholeNumber(problems, 'rate', values.rate, 1, LIMITS.maxRate, 'requests per second over all users', 'give e.g. --rate 100');
  const timeoutSeconds = seconds(problems, 'timeout', values.timeout, LIMITS.minTimeoutSeconds, LIMITS.maxTimeoutSeconds, 'per-request timeout', 'give e.g. --timeout 30s');
  let method: string | undefined;
  if (values.method !== undefined) {
    method = values.method.toUpperCase();
    if (!(METHODS as readonly string[]).includes(method)) method = problems.add('method', values.method, 'is not an HTTP method the load test sends', `give one of ${METHODS.join(', ')}`);
  }
  const format = (values.format ?? 'text') as ReportFormat;
  if (!REPORT_FORMATS.includes(format)) problems.add('format', values.format, 'is not an output format', `give one of ${REPORT_FORMATS.join(', ')}`);
  let body: string | undefined;
  if (values.body !== undefined) {
    if (method === 'GET' || method === 'HEAD') problems.add('body', values.body, `cannot go with --method ${method}, which sends no body`, 'drop --body or use --method POST');
    else body = readText(io, problems, 'body', values.body, LIMITS.maxBodyBytes);
  }
  let slo: readonly Threshold[] = [];
  if (values.slo !== undefined) {
    const text = readText(io, problems, 'slo', values.slo, LIMITS.maxSloBytes);
    if (text !== undefined) {
      try {
        slo = sloFromManifests(text, values.slo).thresholds;
        if (slo.length === 0) {
          problems.add(
            'slo',
            values.slo,
            'holds no SLO thresholds: none of the alerts InferenceLatencyP95SLOBreach, InferenceLatencyP99High, InferenceErrorRateHigh (a server without latency metrics, such as Ollama, gets no latency alerts)',
            'pass the manifests of a service with monitoring, or drop --slo to judge by the scenario alone',
          );
        }
      } catch (e) {
        problems.lines.push((e as Error).message);
      }
    }
  }
  if (problems.lines.length > 0 || !url || !scenario) return { problems: problems.lines };
  const plan = planRun(url, scenario, {
    ...(users !== undefined ? { users } : {}),
    ...(amount !== undefined ? { amount } : {}),
    ...(durationSeconds !== undefined ? { durationSeconds } : {}),
    ...(rate !== undefined ? { rate } : {}),
    ...(method !== undefined ? { method } : {}),
    ...(body !== undefined ? { body } : {}),
    ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}),
    maxRequests,
    maxDurationSeconds,
  });
  // autocannon gives every connection at least one request of the amount (it refuses more
  // connections than requests).
  if (plan.connections > plan.amount) {
    const flag = users !== undefined ? 'users' : 'amount';
    const relation = new Problems();
    relation.add(
      flag,
      String(flag === 'users' ? plan.connections : plan.amount),
      `leaves ${n(plan.connections)} users for ${n(plan.amount)} requests: every user needs at least one`,
      flag === 'users' ? `give --users ${n(plan.amount)} or fewer` : `give --amount ${n(plan.connections)} or more, or fewer --users`,
    );
    return { problems: relation.lines };
  }
  return { url, scenario, format, slo, plan, ...(values.slo !== undefined ? { sloFile: values.slo } : {}) };
}

export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const parsed = parse(argv, io);
  if ('help' in parsed) {
    io.out(usage());
    return 0;
  }
  if ('problems' in parsed) {
    io.err([`${COMMAND}: invalid arguments:`, ...parsed.problems.map((p) => `  - ${p}`), `Run \`${COMMAND} --help\` for the options.`].join('\n'));
    return 2;
  }
  const { scenario, plan, format, slo, sloFile } = parsed;
  // A progress bar only on a terminal, one line per tenth (CliIo writes whole lines).
  let shown = -1;
  const onProgress = io.isTty
    ? (p: { done: number; elapsedSeconds: number; fraction: number }) => {
        const step = Math.floor(p.fraction * 10);
        if (step === shown) return;
        shown = step;
        io.err(progressBar(p.fraction, p.done, p.elapsedSeconds));
      }
    : undefined;
  const observation = await runLoad(plan, onProgress ? { onProgress } : {});
  const runSummary = summarizeRun(observation);
  const thresholds = combineThresholds(scenario.thresholds, slo);
  const verdicts = judge(runSummary, thresholds);
  const pass = verdicts.every((v) => v.pass);
  const { url: _url, body: _body, headers: _headers, ...shownPlan } = plan;
  io.out(
    formatReport(
      { scenario: scenario.name, url: displayUrl(plan.url), plan: shownPlan, ...(sloFile ? { sloFile } : {}), summary: runSummary, verdicts, pass },
      format,
    ),
  );
  return pass ? 0 : 1;
}
