/**
 * The account's budget of platform calls, shared by every process through
 * Redis: at most `concurrency` calls in flight (a Redis semaphore whose
 * leases expire, so a killed worker's slots come back) and at most
 * `ratePerSecond` calls started in any sliding second (a log of call times
 * in a sorted set, checked and written by one Lua script).
 *
 * Two classes of caller share it (docs/reads.md):
 * - `engine` (the task engine: `run` and `lane` without options) waits as
 *   long as it takes and has priority;
 * - every other caller (API reads and actions, the refresher) takes only
 *   what the engine leaves: never more than `1 − ENGINE_RESERVE` of the
 *   rate and of the slots, only `SHARE_BESIDE_ENGINE` of the rate while the
 *   engine is at work on the account, nothing at all while an engine call
 *   waits — except for a floor of `READ_FLOOR` of the rate that is always
 *   theirs, so a read right after a busy task is not refused for a second;
 *   and it waits at most `waitMs` before giving up with a 503 and Retry-After.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { Semaphore } from 'redis-semaphore';
import { redisScript } from '../db/redis.ts';
import { ApiError } from '../domain/errors.ts';

/** Where the budget reports its waits and refusals (src/server/metrics.ts implements it). */
export interface BudgetObserver {
  waited(e: { accountId: string; wait: 'slot' | 'rate'; seconds: number; callClass?: string }): void;
  refused(e: { accountId: string; callClass?: string }): void;
}

export interface AccountLimit {
  concurrency: number;
  ratePerSecond: number;
}

export type CallClass = 'engine' | 'api' | 'background';

export interface CallOptions {
  /** Who is calling; anything but `engine` yields to the engine. Default `engine`. */
  class?: CallClass;
  /** The longest a non-engine call waits for a slot and a rate point before the budget refuses it. */
  waitMs?: number;
}

/** The share of an account's rate and slots that only the engine may use. */
export const ENGINE_RESERVE = 0.2;
/** While the engine is at work on the account (a call in the last ENGINE_ACTIVE_MS), the rest may use only this share of the rate. */
export const SHARE_BESIDE_ENGINE = 0.2;
const ENGINE_ACTIVE_MS = 2_000;
/**
 * The share of the rate other callers always have, whatever the engine does: the engine's own is
 * never less than the rest. Without it a dashboard's or a pipeline's live read right after an
 * expand found the window full of the engine's calls and got a 503.
 */
export const READ_FLOOR = 0.1;
/** How long an engine call's "I am waiting" mark keeps other callers out after it was last renewed. */
const ENGINE_WAITING_MS = 1_000;
const DEFAULT_WAIT_MS = 250;
/**
 * The sliding window the rate is counted over: a second plus a margin, because a call admitted here
 * reaches the platform a little later, by a delay that varies (event loop, network); without the
 * margin two such delays could put one call more into some second the platform sees.
 */
const WINDOW_MS = 1_050;
/** How long a non-engine call admitted by the rate may wait for a slot (less than WINDOW_MS's margin). */
const SLOT_GRACE_MS = 40;

/**
 * KEYS[1] the account's call log (zset of call times), KEYS[2] the "engine waits for the rate" mark,
 * KEYS[3] the "engine is at work" mark, KEYS[4] the log of the other callers' calls alone.
 * ARGV: rate, engine (1|0), the rate other callers may use, a unique member prefix, the rate they
 * may use while the engine is at work, their floor (READ_FLOOR of the rate), how many calls ask.
 * Records as many of the calls as may start now (members `<prefix>:1`, `<prefix>:2`, …) and returns
 * {started, ms until the rest may ask again (0 when none is left)}.
 */
const TAKE_RATE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local rate = tonumber(ARGV[1])
local engine = ARGV[2] == '1'
local asked = tonumber(ARGV[7])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - ${WINDOW_MS})
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now - ${WINDOW_MS})
local n = redis.call('ZCARD', KEYS[1])
local cap = rate
local floored = false
if not engine then floored = n < rate and redis.call('ZCARD', KEYS[4]) < tonumber(ARGV[6]) end
if not engine then
  if redis.call('EXISTS', KEYS[2]) == 1 then cap = 0
  elseif redis.call('EXISTS', KEYS[3]) == 1 then cap = tonumber(ARGV[5])
  else cap = tonumber(ARGV[3]) end
end
local started = 0
if n < cap then started = math.min(asked, cap - n) elseif floored then started = 1 end
if started > 0 then
  for i = 1, started do
    redis.call('ZADD', KEYS[1], now, ARGV[4] .. ':' .. i)
    if not engine then redis.call('ZADD', KEYS[4], now, ARGV[4] .. ':' .. i) end
  end
  redis.call('PEXPIRE', KEYS[1], ${2 * WINDOW_MS})
  if engine then redis.call('SET', KEYS[3], '1', 'PX', ${ENGINE_ACTIVE_MS})
  else redis.call('PEXPIRE', KEYS[4], ${2 * WINDOW_MS}) end
  if started == asked then return {started, 0} end
  n = n + started
end
local wait = 50
if cap > 0 then
  local oldest = redis.call('ZRANGE', KEYS[1], n - cap, n - cap, 'WITHSCORES')
  wait = math.max(1, tonumber(oldest[2]) + ${WINDOW_MS} - now + 1)
end
if engine then redis.call('SET', KEYS[2], '1', 'PX', wait + ${ENGINE_WAITING_MS}) end
return {started, wait}
`;

const TAKE_RATE_COMMAND = 'cloudplaneTakeRate';

/**
 * A slot's lease in Redis. redis-semaphore renews a held lease on a timer and lets a renewal that
 * Redis cannot answer reject with nothing to catch it: during a Redis outage that was an unhandled
 * rejection, and the worker shut down. A renewal that fails is tried again at the next interval;
 * a lease Redis really lost (it restarted) is simply taken again by whoever asks next.
 */
class SlotLease extends Semaphore {
  protected override async _refresh(): Promise<boolean> {
    try {
      return await super._refresh();
    } catch {
      return true;
    }
  }
}

/** What other callers may use of a limit: the engine's reserve left out, never less than one. */
export const sharedPart = (n: number) => Math.max(1, n - Math.floor(n * ENGINE_RESERVE));

export function budgetExhausted(accountId: string, retryAfterMs: number): ApiError {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new ApiError(
    'budget-exhausted',
    `the platform-call budget of account ${accountId} is spent for now; try again in ${seconds} s`,
    { accountId, retryAfterSeconds: seconds },
    { headers: { 'retry-after': String(seconds) } },
  );
}

/**
 * @param leaseMs a dead holder's slot frees itself after this long; live holders refresh it.
 *   The same bound as a job lock: a killed worker's task and its slots come back together.
 */
export function createAccountBudget(redis: Redis, prefix: string, leaseMs = 30_000, observer?: BudgetObserver) {
  const since = (started: number) => (performance.now() - started) / 1000;
  const member = (() => {
    const tag = randomBytes(4).toString('hex');
    let n = 0;
    return () => `${tag}:${(n++).toString(36)}`;
  })();
  const logKey = (accountId: string) => `${prefix}:budget:${accountId}:calls`;
  const sharedLogKey = (accountId: string) => `${prefix}:budget:${accountId}:shared-calls`;
  const rateWaitKey = (accountId: string) => `${prefix}:budget:${accountId}:engine-waits-rate`;
  const slotWaitKey = (accountId: string) => `${prefix}:budget:${accountId}:engine-waits-slot`;

  // It runs once per platform call: sending its text each time cost the worker more than the call's own request.
  const takeRateScript = redisScript<(string | number)[], [number, number]>(redis, TAKE_RATE_COMMAND, 4, TAKE_RATE);

  /** How many of `asked` calls may start now (recorded under `id`), and the ms until the rest may ask again. */
  async function takeRate(
    accountId: string,
    limit: AccountLimit,
    engine: boolean,
    id: string,
    asked = 1,
  ): Promise<{ started: number; waitMs: number }> {
    const [started, waitMs] = await takeRateScript(
      logKey(accountId),
      rateWaitKey(accountId),
      `${prefix}:budget:${accountId}:engine-active`,
      sharedLogKey(accountId),
      limit.ratePerSecond,
      engine ? '1' : '0',
      sharedPart(limit.ratePerSecond),
      id,
      Math.max(1, Math.floor(limit.ratePerSecond * SHARE_BESIDE_ENGINE)),
      Math.max(1, Math.floor(limit.ratePerSecond * READ_FLOOR)),
      asked,
    );
    return { started: Number(started), waitMs: Number(waitMs) };
  }

  /**
   * Engine calls waiting for the rate, per account. One script call at a time asks for all of them
   * and starts as many as the window allows: at 2,000 calls a second, one Redis round trip per call
   * was most of what a call cost this process besides its own request.
   */
  const engineWaiters = new Map<string, { since: number; go: () => void; fail: (err: unknown) => void }[]>();

  function awaitEngineRate(accountId: string, limit: AccountLimit): Promise<void> {
    return new Promise<void>((go, fail) => {
      const queue = engineWaiters.get(accountId);
      const waiter = { since: performance.now(), go, fail };
      if (queue) queue.push(waiter);
      else {
        engineWaiters.set(accountId, [waiter]);
        void admitEngine(accountId, limit);
      }
    });
  }

  /** Admits the account's waiting engine calls, in the order they asked, until none is left. */
  async function admitEngine(accountId: string, limit: AccountLimit) {
    const queue = engineWaiters.get(accountId)!;
    while (queue.length) {
      const asked = queue.length;
      try {
        const { started, waitMs } = await takeRate(accountId, limit, true, member(), asked);
        for (const w of queue.splice(0, started)) {
          observer?.waited({ accountId, wait: 'rate', seconds: since(w.since), callClass: 'engine' });
          w.go();
        }
        if (started < asked) await sleep(waitMs);
      } catch (err) {
        for (const w of queue.splice(0, asked)) w.fail(err);
      }
    }
    engineWaiters.delete(accountId);
  }

  const semaphore = (
    key: string,
    size: number,
    acquireTimeout: number,
    attempts = Number.POSITIVE_INFINITY,
    retryInterval = 10,
  ) =>
    new SlotLease(redis, key, size, {
      lockTimeout: leaseMs,
      acquireTimeout,
      acquireAttemptsLimit: attempts,
      retryInterval,
      onLockLost: () => undefined,
    });
  const slotKey = (accountId: string) => `${prefix}:concurrency:${accountId}`;

  /**
   * The engine's slot: one quick attempt; when the slots are all taken, it marks itself waiting
   * (which keeps other callers from taking the next free slot) for as long as it waits.
   */
  async function engineSlot(accountId: string, limit: AccountLimit): Promise<SlotLease> {
    const started = performance.now();
    const quick = semaphore(slotKey(accountId), limit.concurrency, 10 * 60_000, 1);
    if (await quick.tryAcquire()) {
      observer?.waited({ accountId, wait: 'slot', seconds: 0, callClass: 'engine' });
      return quick;
    }
    const mark = () => redis.set(slotWaitKey(accountId), '1', 'PX', ENGINE_WAITING_MS).catch(() => undefined);
    await mark();
    const renew = setInterval(() => void mark(), ENGINE_WAITING_MS / 2);
    try {
      const slot = semaphore(slotKey(accountId), limit.concurrency, 10 * 60_000);
      await slot.acquire().catch((err: unknown) => {
        observer?.refused({ accountId, callClass: 'engine' });
        throw err;
      });
      observer?.waited({ accountId, wait: 'slot', seconds: since(started), callClass: 'engine' });
      return slot;
    } finally {
      clearInterval(renew);
    }
  }

  const release = (slots: Semaphore[]) => Promise.all(slots.map((s) => s.release().catch(() => undefined)));

  /**
   * A non-engine call's slots, tried until `deadline`: one of the callers' shared slots, then one of
   * the account's, neither while the engine waits for one. Null (nothing held) when the time is up.
   */
  async function sharedSlots(accountId: string, limit: AccountLimit, deadline: number): Promise<Semaphore[] | null> {
    const held: Semaphore[] = [];
    const keys: [string, number][] = [
      [`${prefix}:concurrency-shared:${accountId}`, sharedPart(limit.concurrency)],
      [slotKey(accountId), limit.concurrency],
    ];
    for (const [key, size] of keys) {
      // At least one attempt, however short the bound.
      for (let first = true; ; first = false) {
        const left = deadline - Date.now();
        if (!first && left <= 0) {
          await release(held);
          return null;
        }
        if (await redis.exists(slotWaitKey(accountId))) {
          await sleep(Math.max(1, Math.min(left, 20)));
          continue;
        }
        const slot = semaphore(key, size, Math.max(1, left), first ? 1 : Number.POSITIVE_INFINITY, 20);
        if (await slot.tryAcquire()) {
          held.push(slot);
          break;
        }
      }
    }
    return held;
  }

  /**
   * A non-engine call's rate point and slots within `deadline`. The point comes first: a burst
   * beyond the rate is refused at once, one Redis call each, and only admitted calls look for a
   * slot. A slot must follow within SLOT_GRACE_MS, or the point is handed back and the call tries
   * again: sent later, it would reach the platform in another second than the one it was counted in.
   */
  async function admitShared(
    accountId: string,
    limit: AccountLimit,
    deadline: number,
    callClass: CallClass,
  ): Promise<Semaphore[]> {
    const started = performance.now();
    const refuse = (retryAfterMs: number) => {
      observer?.refused({ accountId, callClass });
      return budgetExhausted(accountId, retryAfterMs);
    };
    for (;;) {
      const id = member();
      const { started: admitted, waitMs: wait } = await takeRate(accountId, limit, false, id);
      if (admitted === 0) {
        if (Date.now() + wait > deadline) throw refuse(wait);
        await sleep(wait);
        continue;
      }
      const rateAt = performance.now();
      const slots = await sharedSlots(accountId, limit, Date.now() + SLOT_GRACE_MS);
      if (slots) {
        observer?.waited({ accountId, wait: 'rate', seconds: (rateAt - started) / 1000, callClass });
        observer?.waited({ accountId, wait: 'slot', seconds: since(rateAt), callClass });
        return slots;
      }
      const point = `${id}:1`;
      await Promise.all([redis.zrem(logKey(accountId), point), redis.zrem(sharedLogKey(accountId), point)]);
      if (Date.now() + SLOT_GRACE_MS > deadline) throw refuse(1000);
    }
  }

  return {
    /**
     * Runs one platform call inside the account's limits. Without options it is an engine call:
     * it waits as long as needed. Other classes wait at most `waitMs`, then throw a 503 ApiError
     * (`budget-exhausted`, with Retry-After); nothing is sent to the platform then.
     */
    async run<T>(accountId: string, limit: AccountLimit, call: () => Promise<T>, opts: CallOptions = {}): Promise<T> {
      if ((opts.class ?? 'engine') === 'engine') {
        const slot = await engineSlot(accountId, limit);
        try {
          await awaitEngineRate(accountId, limit);
          return await call();
        } finally {
          await release([slot]);
        }
      }
      const slots = await admitShared(accountId, limit, Date.now() + (opts.waitMs ?? DEFAULT_WAIT_MS), opts.class!);
      try {
        return await call();
      } finally {
        await release(slots);
      }
    },

    /**
     * Holds one slot for a lane that makes many calls in a row (a round of
     * creates): one acquire per lane instead of one per call. The lane calls
     * `gate()` before each call to wait for the account's rate limit. Engine only.
     */
    async lane(accountId: string, limit: AccountLimit, work: (gate: () => Promise<void>) => Promise<void>) {
      const slot = await engineSlot(accountId, limit);
      try {
        await work(() => awaitEngineRate(accountId, limit));
      } finally {
        await release([slot]);
      }
    },
  };
}

export type AccountBudget = ReturnType<typeof createAccountBudget>;
