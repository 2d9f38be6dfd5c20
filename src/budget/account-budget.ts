/**
 * The account's budget of platform calls, shared by every process
 * through Redis: at most `concurrency` calls in flight (a Redis semaphore
 * whose leases expire, so a killed worker's slots come back) and at most
 * `ratePerSecond` calls started per second (a Redis rate limiter).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { Semaphore } from 'redis-semaphore';

/** Where the budget reports its waits and refusals (src/server/metrics.ts implements it). */
export interface BudgetObserver {
  waited(e: { accountId: string; wait: 'slot' | 'rate'; seconds: number; callClass?: string }): void;
  refused(e: { accountId: string; callClass?: string }): void;
}

export interface AccountLimit {
  concurrency: number;
  ratePerSecond: number;
}

/**
 * @param leaseMs a dead holder's slot frees itself after this long; live holders refresh it.
 *   The same bound as a job lock: a killed worker's task and its slots come back together.
 */
export function createAccountBudget(redis: Redis, prefix: string, leaseMs = 30_000, observer?: BudgetObserver) {
  const limiters = new Map<number, RateLimiterRedis>();
  const limiterFor = (points: number) => {
    let l = limiters.get(points);
    if (!l) {
      l = new RateLimiterRedis({ storeClient: redis, keyPrefix: `${prefix}:rate`, points, duration: 1 });
      limiters.set(points, l);
    }
    return l;
  };

  async function awaitRate(accountId: string, ratePerSecond: number) {
    const started = performance.now();
    for (;;) {
      try {
        await limiterFor(ratePerSecond).consume(accountId, 1);
        observer?.waited({ accountId, wait: 'rate', seconds: (performance.now() - started) / 1000 });
        return;
      } catch (res) {
        if (!(res instanceof RateLimiterRes)) throw res;
        await sleep(Math.max(1, res.msBeforeNext));
      }
    }
  }

  /** Takes a slot, reporting how long that took (or that none came in time). */
  async function acquire(accountId: string, slot: Semaphore) {
    const started = performance.now();
    await slot.acquire().catch((err: unknown) => {
      observer?.refused({ accountId });
      throw err;
    });
    observer?.waited({ accountId, wait: 'slot', seconds: (performance.now() - started) / 1000 });
  }

  const slotFor = (accountId: string, limit: AccountLimit) =>
    new Semaphore(redis, `${prefix}:concurrency:${accountId}`, limit.concurrency, {
      lockTimeout: leaseMs,
      acquireTimeout: 10 * 60_000,
      retryInterval: 10,
      onLockLost: () => undefined,
    });

  return {
    /** Runs one platform call inside the account's limits. */
    async run<T>(accountId: string, limit: AccountLimit, call: () => Promise<T>): Promise<T> {
      const slot = slotFor(accountId, limit);
      await acquire(accountId, slot);
      try {
        await awaitRate(accountId, limit.ratePerSecond);
        return await call();
      } finally {
        await slot.release().catch(() => undefined);
      }
    },

    /**
     * Holds one slot for a lane that makes many calls in a row (a round of
     * creates): one acquire per lane instead of one per call. The lane calls
     * `gate()` before each call to wait for the account's rate limit.
     */
    async lane(accountId: string, limit: AccountLimit, work: (gate: () => Promise<void>) => Promise<void>) {
      const slot = slotFor(accountId, limit);
      await acquire(accountId, slot);
      try {
        await work(() => awaitRate(accountId, limit.ratePerSecond));
      } finally {
        await slot.release().catch(() => undefined);
      }
    },
  };
}

export type AccountBudget = ReturnType<typeof createAccountBudget>;
