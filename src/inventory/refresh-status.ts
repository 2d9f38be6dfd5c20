/**
 * How current each account's records are, as readers need to know it:
 * the refresher writes here when an account's pass fails (and clears it when
 * one succeeds); a list names the accounts in its scope whose records are
 * older than expected or whose refresher is failing. Shared through Redis,
 * so an API replica reports what a worker on another machine saw.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { PrismaClient } from '../generated/prisma/client.ts';
import type { ProviderKind } from '../domain/providers.ts';
import { definitionOf } from '../providers/registry.ts';

const Failure = z.object({ since: z.string(), error: z.string(), failures: z.number().int() });
export type RefreshFailure = z.infer<typeof Failure>;

export function createRefreshStatus(redis: Redis, prefix: string) {
  const key = `${prefix}:refresher:failing`;
  return {
    async failed(accountId: string, error: string): Promise<void> {
      const prior = Failure.safeParse(JSON.parse((await redis.hget(key, accountId)) ?? 'null'));
      const value: RefreshFailure = {
        since: prior.success ? prior.data.since : new Date().toISOString(),
        // The message only: a platform error carries its code and message, never credentials.
        error: error.slice(0, 300),
        failures: (prior.success ? prior.data.failures : 0) + 1,
      };
      await redis.hset(key, accountId, JSON.stringify(value));
    },
    async succeeded(accountId: string): Promise<void> {
      await redis.hdel(key, accountId);
    },
    /** Every account whose refresher is failing now. */
    async failing(): Promise<Map<string, RefreshFailure>> {
      const all = await redis.hgetall(key);
      const out = new Map<string, RefreshFailure>();
      for (const [id, raw] of Object.entries(all)) {
        const parsed = Failure.safeParse(JSON.parse(raw));
        if (parsed.success) out.set(id, parsed.data);
      }
      return out;
    },
  };
}

export type RefreshStatus = ReturnType<typeof createRefreshStatus>;

/** An account's records count as stale once they are this many list periods old. */
const STALE_AFTER_PERIODS = 3;
/** Readers recompute which accounts are stale at most this often (one account query, one Redis read). */
const RECHECK_MS = 1_000;
const FAILING_WAIT_MS = 200;

/**
 * Which accounts' records are older than the refresher should let them get, or whose refresher is
 * failing. Cached per process for a second: a list page must not cost an extra query per request.
 */
export function createFreshness(deps: { prisma: PrismaClient; status: RefreshStatus; listEveryMs: number }) {
  let current: { at: number; stale: Promise<Map<string, string>> } | undefined;
  /** Stale account id → its provider kind. */
  async function compute(now: number): Promise<Map<string, string>> {
    const [accounts, failing] = await Promise.all([
      deps.prisma.account.findMany({
        where: { deletedAt: null },
        select: { id: true, provider: true, lastSyncedAt: true, createdAt: true },
      }),
      // Redis slow or away: the list still answers from Postgres, judging staleness by age alone.
      Promise.race([deps.status.failing(), sleep(FAILING_WAIT_MS).then(() => new Map())]).catch(
        () => new Map<string, RefreshFailure>(),
      ),
    ]);
    const limit = STALE_AFTER_PERIODS * deps.listEveryMs;
    const stale = new Map<string, string>();
    for (const a of accounts) {
      if (failing.has(a.id)) stale.set(a.id, a.provider);
      if (!definitionOf(a.provider as ProviderKind)?.capabilities.includes('instances.list')) continue;
      if (now - (a.lastSyncedAt ?? a.createdAt).getTime() > limit) stale.set(a.id, a.provider);
    }
    return stale;
  }
  return {
    /** The stale accounts in a list's scope (one account, one provider kind, or all). */
    async staleIn(scope: { account?: string | undefined; provider?: string | undefined }): Promise<string[]> {
      const now = Date.now();
      if (!current || now - current.at > RECHECK_MS) {
        const stale = compute(now);
        current = { at: now, stale };
        // A failed check is not kept: the next list asks again.
        stale.catch(() => current?.stale === stale && (current = undefined));
      }
      const stale = await current.stale;
      return [...stale]
        .filter(
          ([id, kind]) => (!scope.account || id === scope.account) && (!scope.provider || kind === scope.provider),
        )
        .map(([id]) => id);
    },
  };
}

export type Freshness = ReturnType<typeof createFreshness>;
