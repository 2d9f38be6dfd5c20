/**
 * The per-key request counts of src/server/rate-limit.ts, in Redis, with the
 * requests of one key that arrive while its count is on the way sent
 * together: one INCRBY of n for the n of them, each answered with its own
 * place in the count (as if they had been counted one by one). A lone request
 * is counted at once, so the count stays exact across replicas; a burst on one
 * key costs one Redis round trip per round trip, not one per request (it was
 * the largest part of a cached read's cost: bench/README.md).
 *
 * Fixed windows: the first count of a window sets its expiry. A count Redis
 * does not answer within the deadline answers `undefined` (the caller serves
 * the request unchecked), for its batch and for the requests queued behind it,
 * so no request waits longer than one deadline: one timer per round trip, not
 * one per request.
 */
import type { Redis } from 'ioredis';
import { redisScript } from '../db/redis.ts';

export interface RequestCount {
  /** This request's place in its key's count for the window. */
  current: number;
  /** Milliseconds left in the window. */
  ttlMs: number;
}

const COUNT_COMMAND = 'cloudplaneRateCount';
/** KEYS[1] the counter; ARGV[1] the window in ms, ARGV[2] how many requests to count. Returns {count, ms left}. */
const COUNT = `
local n = tonumber(ARGV[2])
local current = redis.call('INCRBY', KEYS[1], n)
local ttl = redis.call('PTTL', KEYS[1])
if current == n or ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {current, ttl}
`;
type Answer = (count: RequestCount | undefined) => void;

export function createRequestCounts(redis: Redis, namespace: string, windowMs: number, deadlineMs: number) {
  const command = redisScript<[key: string, windowMs: number, n: number], [number, number]>(
    redis,
    COUNT_COMMAND,
    1,
    COUNT,
  );
  /** Requests waiting to be counted, per key; a key is here only while a count of it is on the way. */
  const waiting = new Map<string, Answer[]>();

  async function send(key: string, batch: Answer[]) {
    let counted: [number, number] | undefined;
    let timer: NodeJS.Timeout | undefined;
    try {
      counted = await Promise.race([
        command(`${namespace}${key}`, windowMs, batch.length).catch(() => undefined),
        new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), deadlineMs))),
      ]);
    } catch {
      counted = undefined;
    } finally {
      clearTimeout(timer);
    }
    const first = counted ? Number(counted[0]) - batch.length : 0;
    batch.forEach((answer, i) => answer(counted ? { current: first + i + 1, ttlMs: Number(counted[1]) } : undefined));
    const next = waiting.get(key)!.splice(0);
    // Those queued behind a count Redis did not answer have waited as long as it: they go unchecked
    // too, and the key starts afresh with whoever comes next.
    if (!counted) for (const answer of next) answer(undefined);
    if (counted && next.length > 0) void send(key, next);
    else waiting.delete(key);
  }

  return {
    /** Counts one request of `key`; undefined when Redis did not answer in time. */
    count(key: string): Promise<RequestCount | undefined> {
      return new Promise((answer) => {
        const queued = waiting.get(key);
        if (queued) {
          queued.push(answer);
          return;
        }
        waiting.set(key, []);
        void send(key, [answer]);
      });
    },
  };
}
