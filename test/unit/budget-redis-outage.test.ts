/**
 * A slot held while Redis goes away: its lease renewals fail, and that must stay inside the budget.
 * redis-semaphore renews on a timer and lets a failed renewal reject with nothing to catch it; in a
 * worker that was an unhandled rejection, and the process shut down in the middle of an expand.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccountBudget } from '../../src/budget/account-budget.ts';
import { createRedis } from '../../src/db/redis.ts';
import { startPrivateRedis, type PrivateRedis } from '../support/private-stores.ts';

let store: PrivateRedis;
beforeAll(async () => {
  store = await startPrivateRedis();
});
afterAll(async () => {
  await store?.close();
});

describe('a lane holding its slot while Redis is away', () => {
  it('keeps renewing quietly, and the lane ends normally', async () => {
    const redis = createRedis(store.url, { maxRetriesPerRequest: 0 });
    await redis.connect();
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      // A 300 ms lease is renewed about every 240 ms: several renewals fall inside the outage.
      const budget = createAccountBudget(redis, 'outage-test', 300);
      let worked = false;
      await budget.lane('acct', { concurrency: 2, ratePerSecond: 100 }, async (gate) => {
        await gate();
        await store.stop();
        await new Promise((r) => setTimeout(r, 1_200));
        worked = true;
      });
      expect(worked).toBe(true);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      redis.disconnect();
      await store.start();
    }
  });
});
