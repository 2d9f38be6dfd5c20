/**
 * The per-key request counters of src/server/rate-limit.ts, in Redis, with
 * the requests of one key that arrive while its count is on the way sent
 * together: one INCRBY of n for the n of them, each answered with its own
 * place in the count (as if they had been counted one by one). A lone request
 * is counted at once, so the count stays exact across replicas; a burst on one
 * key costs one Redis round trip per round trip, not one per request (it was
 * the largest part of a cached read's cost: bench/README.md).
 *
 * Fixed windows, as @fastify/rate-limit's own Redis store: the first count of a
 * window sets its expiry.
 */
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { Redis } from 'ioredis';

type Answer = (error: Error | null, result?: { current: number; ttl: number }) => void;

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
type CountCommand = (key: string, windowMs: number, n: number) => Promise<[number, number]>;

export function coalescingRedisStore(redis: Redis, namespace: string, windowMs: number): FastifyRateLimitStoreCtor {
  if (!(COUNT_COMMAND in redis)) redis.defineCommand(COUNT_COMMAND, { numberOfKeys: 1, lua: COUNT });
  const count = (redis as unknown as Record<typeof COUNT_COMMAND, CountCommand>)[COUNT_COMMAND].bind(redis);
  /** Requests waiting to be counted, per key; a key is here only while a count of it is on the way. */
  const waiting = new Map<string, Answer[]>();

  async function send(key: string, batch: Answer[]) {
    try {
      const [current, ttl] = await count(`${namespace}${key}`, windowMs, batch.length);
      const first = Number(current) - batch.length;
      batch.forEach((answer, i) => answer(null, { current: first + i + 1, ttl: Number(ttl) }));
    } catch (err) {
      for (const answer of batch) answer(err instanceof Error ? err : new Error(String(err)));
    }
    const next = waiting.get(key)!;
    if (next.length === 0) waiting.delete(key);
    else void send(key, next.splice(0));
  }

  return class CoalescingRedisStore implements FastifyRateLimitStore {
    incr(key: string, answer: Answer): void {
      const queued = waiting.get(key);
      if (queued) {
        queued.push(answer);
        return;
      }
      waiting.set(key, []);
      void send(key, [answer]);
    }

    /** Routes carry no limits of their own here (the hook in rate-limit.ts applies one to all). */
    child(): FastifyRateLimitStore {
      return this;
    }
  };
}
