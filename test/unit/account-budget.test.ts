/** The account budget against a real Redis: a rate no class exceeds, a share only the engine may use, bounded waits. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { createRedis } from '../../src/db/redis.ts';
import { ApiError } from '../../src/domain/errors.ts';
import { createAccountBudget, sharedPart } from '../../src/budget/account-budget.ts';
import { isolate, type Isolated } from '../support/context.ts';

let iso: Isolated;
let redis: Redis;
let n = 0;
const account = () => `acct-${n++}`;

beforeAll(async () => {
  iso = await isolate();
  redis = createRedis(iso.config.redisUrl);
  await redis.connect();
});
afterAll(async () => {
  redis?.disconnect();
  await iso?.close();
});

/** The most calls started in any sliding second. */
function busiestSecond(starts: number[]): number {
  const sorted = [...starts].sort((a, b) => a - b);
  let worst = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i]! - sorted[j]! >= 1000) j++;
    worst = Math.max(worst, i - j + 1);
  }
  return worst;
}

const outcome = (p: Promise<unknown>) =>
  p.then(
    () => 'ok' as const,
    (err: unknown) => (err instanceof ApiError ? err.slug : 'other'),
  );

describe('account budget', () => {
  it('lets other callers take only the shared part of a second, and keeps the rest for the engine', async () => {
    const budget = createAccountBudget(redis, iso.config.redisPrefix);
    const id = account();
    const limit = { concurrency: 50, ratePerSecond: 10 };
    let sent = 0;
    const call = async () => void sent++;
    // 1. twelve API calls that will not wait: only the shared part of the rate goes out
    const api = await Promise.all(
      Array.from({ length: 12 }, () => outcome(budget.run(id, limit, call, { class: 'api', waitMs: 0 }))),
    );
    expect(api.filter((o) => o === 'ok')).toHaveLength(sharedPart(10));
    expect(api.filter((o) => o === 'budget-exhausted')).toHaveLength(12 - sharedPart(10));
    // 2. the engine still finds its reserve free at once
    const started = Date.now();
    await Promise.all(Array.from({ length: 10 - sharedPart(10) }, () => budget.run(id, limit, call)));
    expect(Date.now() - started).toBeLessThan(500);
    expect(sent).toBe(10);
  });

  it('refuses other callers while an engine call waits, and carries Retry-After', async () => {
    const budget = createAccountBudget(redis, iso.config.redisPrefix);
    const id = account();
    const limit = { concurrency: 50, ratePerSecond: 2 };
    // 1. the engine spends the second and a third engine call waits for the next one
    await budget.run(id, limit, async () => undefined);
    await budget.run(id, limit, async () => undefined);
    const waiting = budget.run(id, limit, async () => 'engine');
    // 2. an API call that would wait long enough for the next second still yields to the waiting engine
    const err = await budget.run(id, limit, async () => 'api', { class: 'api', waitMs: 200 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).slug).toBe('budget-exhausted');
    expect(Number((err as ApiError).headers['retry-after'])).toBeGreaterThanOrEqual(1);
    await expect(waiting).resolves.toBe('engine');
  });

  it('never starts more calls in a sliding second than the rate, whoever calls', async () => {
    const budget = createAccountBudget(redis, iso.config.redisPrefix);
    const id = account();
    const limit = { concurrency: 50, ratePerSecond: 20 };
    const starts: number[] = [];
    const call = async () => void starts.push(Date.now());
    const until = Date.now() + 2_200;
    const loop = async (opts?: { class: 'api'; waitMs: number }) => {
      while (Date.now() < until) await budget.run(id, limit, call, opts).catch(() => undefined);
    };
    await Promise.all([loop(), loop(), ...Array.from({ length: 4 }, () => loop({ class: 'api', waitMs: 50 }))]);
    const worst = busiestSecond(starts);
    // Local clock vs Redis clock jitter aside, a second never holds more than the rate.
    expect(worst).toBeLessThanOrEqual(limit.ratePerSecond + 1);
    expect(starts.length).toBeGreaterThanOrEqual(2 * limit.ratePerSecond);
  });

  it('admits many engine lanes waiting at once together, never above the rate, and none is left waiting', async () => {
    const budget = createAccountBudget(redis, iso.config.redisPrefix);
    const id = account();
    const limit = { concurrency: 40, ratePerSecond: 25 };
    const starts: number[] = [];
    // 40 lanes, 2 calls each: 80 calls for a rate of 25 a second, so most gates wait for the window.
    await Promise.all(
      Array.from({ length: 40 }, () =>
        budget.lane(id, limit, async (gate) => {
          for (let i = 0; i < 2; i++) {
            await gate();
            starts.push(Date.now());
          }
        }),
      ),
    );
    expect(starts).toHaveLength(80);
    const worst = busiestSecond(starts);
    expect(worst).toBeLessThanOrEqual(limit.ratePerSecond + 1);
    // Three full windows at least: the 80 calls could not have gone out faster.
    expect(Math.max(...starts) - Math.min(...starts)).toBeGreaterThanOrEqual(3_000);
  });
});
