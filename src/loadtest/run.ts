/**
 * Sends the load with autocannon and records what came back. The only part of the load test
 * that touches the network; the figures are computed by summary.ts.
 */
import type autocannonModule from 'autocannon';
import { RunObservation, StopReason } from './summary';

/** One run, every bound resolved (see plan.ts). */
export interface LoadPlan {
  readonly url: string;
  readonly method: string;
  readonly body?: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly connections: number;
  /** Requests (answered or failed) after which the run stops. */
  readonly amount: number;
  /** What reaching `amount` means: the scenario's or --amount's count, or the request cap. */
  readonly amountIs: Extract<StopReason, 'amount' | 'request cap'>;
  readonly durationSeconds: number;
  readonly durationIs: Extract<StopReason, 'duration' | 'time cap'>;
  readonly overallRate?: number;
  readonly timeoutSeconds: number;
}

export interface Progress {
  /** Requests answered or failed so far. */
  readonly done: number;
  readonly elapsedSeconds: number;
  /** 0-1: the larger of the share of `amount` and the share of `durationSeconds`. */
  readonly fraction: number;
}

export interface RunHooks {
  /** Called about twice a second while the run lasts. */
  readonly onProgress?: (progress: Progress) => void;
}

export async function runLoad(plan: LoadPlan, hooks: RunHooks = {}): Promise<RunObservation> {
  // Loaded on use: autocannon compiles hdr-histogram's WebAssembly when required.
  const autocannon = require('autocannon') as typeof autocannonModule;
  const latencies: number[] = [];
  let failures = 0;
  let stoppedBy: StopReason | undefined;
  const started = process.hrtime.bigint();
  let lastEvent = started;
  let endedAt: bigint | undefined;
  const elapsed = (until: bigint) => Number(until - started) / 1e9;

  return new Promise<RunObservation>((resolve, reject) => {
    let instance: autocannonModule.Instance | undefined;
    const stop = (why: StopReason) => {
      if (stoppedBy) return;
      stoppedBy = why;
      endedAt = process.hrtime.bigint();
      instance?.stop();
    };
    // Each run counts toward `amount` what hey counts: answered AND failed requests. autocannon's
    // own amount counts requests written per connection; a server that refuses connections
    // would otherwise keep the run going until the time bound.
    const countOne = () => {
      lastEvent = process.hrtime.bigint();
      if (latencies.length + failures >= plan.amount) stop(plan.amountIs);
    };
    const timer = setTimeout(() => stop(plan.durationIs), plan.durationSeconds * 1000);
    const progress = hooks.onProgress
      ? setInterval(() => {
          const t = elapsed(process.hrtime.bigint());
          const done = latencies.length + failures;
          hooks.onProgress!({ done, elapsedSeconds: t, fraction: Math.min(1, Math.max(done / plan.amount, t / plan.durationSeconds)) });
        }, 500)
      : undefined;
    const finish = () => {
      clearTimeout(timer);
      if (progress) clearInterval(progress);
    };
    try {
      instance = autocannon(
        {
          url: plan.url,
          method: plan.method as autocannonModule.Request['method'],
          headers: { ...plan.headers },
          ...(plan.body !== undefined ? { body: plan.body } : {}),
          connections: plan.connections,
          // autocannon ends at `amount` when it is set (its duration is then ignored), so
          // the time bound is the timer above.
          amount: plan.amount,
          // autocannon splits overallRate over the connections and lets each send its share
          // at the start of every second, then pause (lib/httpClient.js rateInterval, 9.0.0):
          // the load comes in once-a-second bursts, and a run of a few seconds measures more
          // than the rate (N seconds of quota within N - 1 s). Over the sustained scenario's
          // 1,000 s the average is the rate.
          ...(plan.overallRate !== undefined ? { overallRate: plan.overallRate } : {}),
          timeout: plan.timeoutSeconds,
          // How often autocannon checks whether to stop: a run ends within 100 ms of its
          // bound instead of the 1 s default.
          sampleInt: 100,
        },
        (err, result) => {
          finish();
          if (err) return reject(err instanceof Error ? err : new Error(String(err)));
          resolve({
            latenciesMs: latencies,
            ok: result['2xx'],
            non2xx: result.non2xx,
            errors: result.errors,
            timeouts: result.timeouts,
            // The run's time: until it was stopped, or until the last answer when autocannon
            // ended on its own (every connection sent its share of the amount).
            elapsedSeconds: elapsed(endedAt ?? lastEvent),
            stoppedBy: stoppedBy ?? plan.amountIs,
            statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => [code, Number(s?.count ?? 0)])),
          });
        },
      );
    } catch (e) {
      finish();
      reject(e as Error);
      return;
    }
    instance.on('response', (_client, _status, _bytes, responseTime) => {
      latencies.push(responseTime);
      countOne();
    });
    instance.on('reqError', () => {
      failures++;
      countOne();
    });
  });
}
