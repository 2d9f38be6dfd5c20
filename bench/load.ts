/** Closed-loop and paced HTTP load for the benchmarks (undici), with latency percentiles. */
import { Pool } from 'undici';

export interface LoadResult {
  requests: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  statuses: Record<number, number>;
}

const percentile = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : 0;

function summarize(latencies: number[], statuses: Record<number, number>, ms: number): LoadResult {
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    perSecond: (latencies.length / ms) * 1000,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    statuses,
  };
}

/** `connections` clients, each sending its next request as soon as the last one answered, for `ms`. */
export async function closedLoop(opts: {
  origin: string;
  connections: number;
  ms: number;
  path: () => string;
  headers?: Record<string, string>;
}): Promise<LoadResult> {
  const pool = new Pool(opts.origin, { connections: opts.connections, pipelining: 1 });
  const latencies: number[] = [];
  const statuses: Record<number, number> = {};
  const started = performance.now();
  const until = started + opts.ms;
  const client = async () => {
    while (performance.now() < until) {
      const t0 = performance.now();
      const res = await pool.request({ origin: opts.origin, path: opts.path(), method: 'GET', headers: opts.headers });
      await res.body.dump();
      latencies.push(performance.now() - t0);
      statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: opts.connections }, client));
  const result = summarize(latencies, statuses, performance.now() - started);
  await pool.close();
  return result;
}

/** Requests started at a fixed rate (open loop, at most `maxInFlight` at once) until `stop()` resolves. */
export async function paced(opts: {
  origin: string;
  perSecond: number;
  maxInFlight: number;
  path: () => string;
  headers?: Record<string, string>;
  until: Promise<unknown>;
}): Promise<LoadResult> {
  const pool = new Pool(opts.origin, { connections: opts.maxInFlight });
  const latencies: number[] = [];
  const statuses: Record<number, number> = {};
  let done = false;
  void opts.until.then(() => (done = true));
  let inFlight = 0;
  const sent: Promise<void>[] = [];
  const started = performance.now();
  for (let i = 0; !done; i++) {
    const due = started + (i * 1000) / opts.perSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    if (inFlight >= opts.maxInFlight) {
      statuses[0] = (statuses[0] ?? 0) + 1; // not sent: the generator's own bound
      continue;
    }
    inFlight++;
    const t0 = performance.now();
    sent.push(
      pool
        .request({ origin: opts.origin, path: opts.path(), method: 'GET', headers: opts.headers })
        .then(async (res) => {
          await res.body.dump();
          latencies.push(performance.now() - t0);
          statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
        })
        .finally(() => inFlight--),
    );
  }
  await Promise.allSettled(sent);
  const result = summarize(latencies, statuses, performance.now() - started);
  await pool.close();
  return result;
}
