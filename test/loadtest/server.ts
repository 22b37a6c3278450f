/** A loopback HTTP server with a known latency distribution and error ratio, for load tests. */
import { AddressInfo } from 'node:net';
import { Server, createServer } from 'node:http';

export interface TestServer {
  readonly url: string;
  /** Requests received, in arrival order. */
  readonly received: () => number;
  /** Bodies, methods and paths of the first requests (at most 20). */
  readonly seen: Array<{ method: string; path: string; body: string; contentType?: string }>;
  close(): Promise<void>;
}

export interface Behaviour {
  /** Milliseconds to wait before answering request k (0-based arrival order). */
  readonly delayMs: (k: number) => number;
  /** Status of request k. @default 200 */
  readonly status?: (k: number) => number;
}

/**
 * Starts a server on 127.0.0.1, port 0. The n-th request to arrive gets its delay and status
 * from `behaviour`, so a run of N requests sees exactly the distribution the test chose.
 */
export async function startServer(behaviour: Behaviour): Promise<TestServer> {
  let count = 0;
  const seen: TestServer['seen'] = [];
  const server: Server = createServer((req, res) => {
    const k = count++;
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      if (seen.length < 20) seen.push({ method: req.method ?? '', path: req.url ?? '', body, contentType: req.headers['content-type'] });
      setTimeout(() => {
        res.statusCode = behaviour.status?.(k) ?? 200;
        res.setHeader('content-type', 'application/json');
        res.end('{"response":"Hi"}');
      }, behaviour.delayMs(k));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received: () => count,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * The distribution the accuracy tests use, per 50 consecutive requests: 45 (90 %) wait 20 ms,
 * 4 (8 %) wait 200 ms, 1 (2 %) waits 600 ms; every 20th request (5 %) answers 500. Over a
 * multiple of 100 requests the truth is p50 = 20 ms, p95 = 200 ms (the 90-98 % band),
 * p99 = 600 ms (above 98 %), error rate 5 %.
 *
 * Tolerance of a measured percentile: [truth - 1 ms, truth + 90 ms]. The delays are timer
 * lower bounds (a Node timer fires at most its 1 ms granularity early); loopback, HTTP parsing
 * and late timers only add, and with the server and autocannon sharing one event loop on a
 * busy 2-core host they added up to about 45 ms in practice. The bands are far enough apart
 * (20 / 200 / 600 ms) that a percentile in the wrong band misses the tolerance by at least
 * 90 ms either way, so the check still proves the right rank was taken.
 */
export const KNOWN = {
  delayMs: (k: number) => {
    const m = k % 50;
    return m < 45 ? 20 : m < 49 ? 200 : 600;
  },
  status: (k: number) => (k % 20 === 0 ? 500 : 200),
  truth: { p50: 20, p95: 200, p99: 600, errorRate: 0.05 },
  toleranceMs: 90,
} as const;
