/**
 * The in-memory key check under load: one query per key at a time, a key in use renewed before its
 * trust runs out, and a revoke never undone by a lookup that was in flight when it happened.
 * Without a revocation subscription (as here) a cached key is trusted for 1 s.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApiKeyRepository } from '../../src/db/api-keys.ts';
import type { PrismaClient } from '../../src/db/client.ts';
import { isolatedPrisma } from '../support/context.ts';

const db = isolatedPrisma(4);
let prisma: PrismaClient;
/** Lookups of a key by its hash: started, and whose row has been read. */
const lookups = { started: 0, read: 0 };
/** While set, a lookup by hash waits here after reading its row. */
let hold: Promise<void> | null = null;

beforeAll(() => {
  // The real client, with every lookup by hash counted on its way through.
  prisma = db.prisma.$extends({
    query: {
      apiKey: {
        async findUnique({ args, query }) {
          if (!('hash' in args.where)) return query(args);
          lookups.started++;
          const row = await query(args);
          lookups.read++;
          if (hold) await hold;
          return row;
        },
      },
    },
  }) as unknown as PrismaClient;
});
afterEach(() => {
  vi.useRealTimers();
  hold = null;
});

/** Only Date is faked: the database and the promises run as they do. */
function clockAt(ms: number) {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(ms);
}

describe('API keys checked in memory', () => {
  it('asks the database once when many requests bring a key whose trust ran out', async () => {
    const keys = createApiKeyRepository(prisma);
    const { key, view } = await keys.create('dashboard', ['read']);
    const t0 = Date.parse('2026-12-01T12:00:00Z');
    clockAt(t0);
    expect((await keys.authenticate(key))?.keyId).toBe(view.id);
    const before = lookups.started;

    vi.setSystemTime(t0 + 1_001);
    const answers = await Promise.all(Array.from({ length: 50 }, () => keys.authenticate(key)));
    expect(answers.every((p) => p?.keyId === view.id)).toBe(true);
    expect(lookups.started - before).toBe(1);
  });

  it('checks a key in use again before its trust runs out, so no request waits for the database', async () => {
    const keys = createApiKeyRepository(prisma);
    const { key, view } = await keys.create('pipeline', ['read']);
    const t0 = Date.parse('2026-12-01T13:00:00Z');
    clockAt(t0);
    await keys.authenticate(key);
    const { started, read } = lookups;

    // Late in its trust: answered from memory, and checked again in the background.
    vi.setSystemTime(t0 + 850);
    expect((await keys.authenticate(key))?.keyId).toBe(view.id);
    await vi.waitFor(() => expect(lookups.read).toBe(read + 1));
    await new Promise((r) => setImmediate(r));

    // Past the first trust, within the renewed one: no new lookup.
    vi.setSystemTime(t0 + 1_200);
    expect((await keys.authenticate(key))?.keyId).toBe(view.id);
    expect(lookups.started).toBe(started + 1);
  });

  it('does not cache a key again, nor answer a later request with it, when it was revoked while its lookup was in flight', async () => {
    const keys = createApiKeyRepository(prisma);
    const { key, view } = await keys.create('revoked-mid-lookup', ['read']);
    let release!: () => void;
    hold = new Promise((r) => (release = r));
    const read = lookups.read;
    const before = keys.authenticate(key);
    // The row (not yet revoked) has been read; the revoke lands before the lookup finishes.
    await vi.waitFor(() => expect(lookups.read).toBe(read + 1));
    await keys.revoke(view.id);
    // A request after the revoke does not join the lookup that read the row before it.
    const after = keys.authenticate(key);
    await vi.waitFor(() => expect(lookups.read).toBe(read + 2));
    release();
    // The request that came before the revoke is answered with what was read for it...
    expect((await before)?.keyId).toBe(view.id);
    expect(await after).toBeNull();
    hold = null;
    // ...and the key was not put back into the cache.
    expect(await keys.authenticate(key)).toBeNull();
  });

  it("does not hold a key's requests on a lookup older than its trust (a query stuck on a dead connection)", async () => {
    const keys = createApiKeyRepository(prisma);
    const { key, view } = await keys.create('stuck-lookup', ['read']);
    const t0 = Date.parse('2026-12-01T14:00:00Z');
    clockAt(t0);
    let release!: () => void;
    hold = new Promise((r) => (release = r));
    const { started, read } = lookups;
    const stuck = keys.authenticate(key);
    await vi.waitFor(() => expect(lookups.read).toBe(read + 1));
    hold = null;
    // A second later the first lookup has still not come back: the next request asks on its own.
    vi.setSystemTime(t0 + 1_001);
    expect((await keys.authenticate(key))?.keyId).toBe(view.id);
    expect(lookups.started).toBe(started + 2);
    release();
    expect((await stuck)?.keyId).toBe(view.id);
  });
});
