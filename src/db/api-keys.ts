/**
 * API keys: generated here, stored only as a sha256 hash. A key has 256 bits
 * of entropy, so a fast hash is enough (no password-stretching needed) and
 * lookups stay a single indexed read.
 *
 * Checked in memory: each process keeps the keys it has seen (hash →
 * principal). A revoke is published on Redis and every process drops the
 * key at once; as a backstop an entry is trusted for `TRUST_MS` only, and
 * for `DEGRADED_TRUST_MS` while this process's subscription is down (it
 * could miss a revoke then), after which the database is asked again. When
 * the subscription comes back, everything cached is dropped: revokes sent
 * meanwhile were lost. See docs/reads.md.
 *
 * A key in use is checked again shortly before its trust runs out, off the
 * request's path, and concurrent lookups of one key share one query: when the
 * entry of a dashboard's key expired, each of its 50 requests in flight used
 * to ask the database at once, and every reader of the process waited for
 * the 50 queries (the p99 of a cached read, bench/README.md).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { Scope, type Principal } from '../domain/scopes.ts';
import { createAuditLog, type AuditLog } from './audit.ts';

/** How long a cached key is trusted while revokes reach this process. */
const TRUST_MS = 10_000;
/** How long while they may not (the subscription is down). */
const DEGRADED_TRUST_MS = 1_000;
/** Past this share of its trust, a key that is used is checked again in the background. */
const RECHECK_AFTER = 0.8;
/** lastUsedAt is written at most this often per key (and never on the request's path). */
const TOUCH_EVERY_MS = 60_000;
/** Distinct keys kept per process; a flood of unknown keys is not cached at all. */
const MAX_CACHED = 10_000;

export interface KeyRevocations {
  /** General connection: publishes revokes. */
  redis: Redis;
  /** A subscribed connection (shared with other subscribers of the process). */
  subscriber: Redis;
  prefix: string;
}

interface Cached {
  principal: Principal;
  at: number;
  touchedAt: number;
}

const KEY_PREFIX = 'cpk_';

export const hashApiKey = (key: string) => createHash('sha256').update(key, 'utf8').digest('hex');

export function generateApiKey(): string {
  return KEY_PREFIX + randomBytes(32).toString('base64url');
}

/** Shown to operators so they can tell keys apart without seeing them. */
const displayPrefix = (key: string) => key.slice(0, KEY_PREFIX.length + 6);

export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  scopes: Scope[];
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export function createApiKeyRepository(
  prisma: PrismaClient,
  audit: AuditLog = createAuditLog(prisma),
  revocations?: KeyRevocations,
) {
  const cache = new Map<string, Cached>();
  /**
   * Lookups in flight, by hash: concurrent requests with one key share one query, but never one
   * that started before the last drop (it may have read the row before a revoke), nor one older
   * than a key's trust (a query stuck on a dead connection must not hold every request of its key).
   */
  const lookups = new Map<string, { generation: number; startedAt: number; read: Promise<Principal | null> }>();
  /**
   * Bumped whenever entries are dropped (a revoke, a lost subscription): a lookup that read the row
   * before such a drop answers its own request but must not put the key back into the cache.
   */
  let generation = 0;
  const channel = revocations ? `${revocations.prefix}:api-keys:revoked` : undefined;
  const drop = (keyId: string) => {
    generation++;
    for (const [hash, c] of cache) if (c.principal.keyId === keyId) cache.delete(hash);
  };
  if (revocations && channel) {
    const { subscriber } = revocations;
    subscriber.on('message', (ch: string, keyId: string) => {
      if (ch === channel) drop(keyId);
    });
    // Back after a disconnect (ioredis subscribes again by itself): revokes sent meanwhile were lost.
    subscriber.on('ready', () => {
      generation++;
      cache.clear();
    });
    subscriber.subscribe(channel).catch(() => undefined);
  }
  const trustMs = () => (revocations?.subscriber.status === 'ready' ? TRUST_MS : DEGRADED_TRUST_MS);
  const touch = (c: Cached, now: number) => {
    if (now - c.touchedAt < TOUCH_EVERY_MS) return;
    c.touchedAt = now;
    // Best effort, off the request's path: a failed write only leaves lastUsedAt older.
    prisma.apiKey
      .update({ where: { id: c.principal.keyId }, data: { lastUsedAt: new Date(now) } })
      .catch(() => undefined);
  };
  // Field by field: the row also holds the key's hash, which no view (nor the audit log) carries.
  const toView = (row: {
    id: string;
    name: string;
    prefix: string;
    scopes: string[];
    createdAt: Date;
    lastUsedAt: Date | null;
    revokedAt: Date | null;
  }): ApiKeyView => ({
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes.map((s) => Scope.parse(s)),
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
    revokedAt: row.revokedAt,
  });
  /** Reads the key's row (one query per key at a time) and caches it unless a drop came meanwhile. */
  const lookup = (hash: string): Promise<Principal | null> => {
    const inFlight = lookups.get(hash);
    const startedAt = Date.now();
    if (inFlight && inFlight.generation === generation && startedAt - inFlight.startedAt < trustMs())
      return inFlight.read;
    const startedGeneration = generation;
    const read = (async () => {
      const row = await prisma.apiKey.findUnique({ where: { hash } });
      if (!row || row.revokedAt) {
        cache.delete(hash);
        return null;
      }
      const principal = { keyId: row.id, name: row.name, scopes: row.scopes.map((s) => Scope.parse(s)) };
      if (generation === startedGeneration) {
        const known = cache.get(hash);
        if (!known && cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
        // Trusted from when the row was asked for, not from when it arrived.
        const touchedAt = Math.max(known?.touchedAt ?? 0, row.lastUsedAt?.getTime() ?? 0);
        cache.set(hash, { principal, at: startedAt, touchedAt });
      }
      return principal;
    })().finally(() => {
      if (lookups.get(hash)?.read === read) lookups.delete(hash);
    });
    lookups.set(hash, { generation: startedGeneration, startedAt, read });
    return read;
  };
  const audited = (verb: 'create' | 'revoke', before: ApiKeyView | null, after: ApiKeyView) => ({
    action: `api_key.${verb}`,
    resourceType: 'api_key' as const,
    resourceId: after.id,
    before,
    after,
  });

  return {
    /** Resolves a presented key to its principal, or null when unknown or revoked. */
    async authenticate(key: string): Promise<Principal | null> {
      const hash = hashApiKey(key);
      const now = Date.now();
      const hit = cache.get(hash);
      const age = hit ? now - hit.at : Number.POSITIVE_INFINITY;
      if (hit && age < trustMs()) {
        touch(hit, now);
        // Its entry is renewed before it runs out; until then the entry is still trusted.
        if (age > trustMs() * RECHECK_AFTER) lookup(hash).catch(() => undefined);
        return hit.principal;
      }
      cache.delete(hash);
      const principal = await lookup(hash);
      const entry = cache.get(hash);
      if (principal && entry) touch(entry, now);
      return principal;
    },

    async create(name: string, scopes: Scope[], key: string = generateApiKey()) {
      // The key itself is shown once and never stored, in the audit log neither.
      const row = await audit.write(
        (tx) => tx.apiKey.create({ data: { name, scopes, hash: hashApiKey(key), prefix: displayPrefix(key) } }),
        (r) => audited('create', null, toView(r)),
      );
      return { key, view: toView(row) };
    },

    /** A page in creation order; `where`/`orderBy` come from the API's keyset pagination. */
    async page(where: object, orderBy: object[], take: number) {
      const rows = await prisma.apiKey.findMany({ where, orderBy, take });
      return rows.map(toView);
    },

    async revoke(id: string): Promise<ApiKeyView | null> {
      const existing = await prisma.apiKey.findUnique({ where: { id } });
      if (!existing) return null;
      // Sent on every revoke, repeated ones too: a replica that missed the first hears it again. Not
      // awaited: with Redis away the revoke still answers, and the replicas' backstop (1 s) applies.
      const announce = () => {
        drop(id);
        if (revocations && channel) void revocations.redis.publish(channel, id).catch(() => undefined);
      };
      if (existing.revokedAt) {
        announce();
        return toView(existing);
      }
      const row = await audit.write(
        (tx) => tx.apiKey.update({ where: { id }, data: { revokedAt: new Date() } }),
        (r) => audited('revoke', toView(existing), toView(r)),
      );
      announce();
      return toView(row);
    },

    /**
     * Makes sure an admin key exists at first start. With a configured key,
     * that key is registered (once); without one, a key is generated only
     * when no active admin key exists, and returned so the caller prints it.
     * The advisory lock keeps concurrent replicas from generating two.
     */
    async ensureBootstrapAdmin(configuredKey: string | undefined): Promise<{ generated?: string }> {
      return prisma.$transaction(async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('cloudplane.bootstrap-admin'))`;
        if (configuredKey) {
          const hash = hashApiKey(configuredKey);
          const found = await tx.apiKey.findUnique({ where: { hash } });
          if (!found) {
            // A key chosen by the operator shows no part of itself, only a piece of its hash.
            const row = await tx.apiKey.create({
              data: { name: 'bootstrap-admin', scopes: ['admin'], hash, prefix: `env:${hash.slice(0, 8)}` },
            });
            await audit.record(audited('create', null, toView(row)), tx);
          }
          return {};
        }
        const admins = await tx.apiKey.count({ where: { scopes: { has: 'admin' }, revokedAt: null } });
        if (admins > 0) return {};
        const key = generateApiKey();
        const row = await tx.apiKey.create({
          data: { name: 'bootstrap-admin', scopes: ['admin'], hash: hashApiKey(key), prefix: displayPrefix(key) },
        });
        await audit.record(audited('create', null, toView(row)), tx);
        return { generated: key };
      });
    },
  };
}

export type ApiKeyRepository = ReturnType<typeof createApiKeyRepository>;
