/**
 * API keys: generated here, stored only as a sha256 hash. A key has 256 bits
 * of entropy, so a fast hash is enough (no password-stretching needed) and
 * lookups stay a single indexed read.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { Scope, type Principal } from '../domain/scopes.ts';
import { createAuditLog, type AuditLog } from './audit.ts';

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

export function createApiKeyRepository(prisma: PrismaClient, audit: AuditLog = createAuditLog(prisma)) {
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
      const row = await prisma.apiKey.findUnique({ where: { hash: hashApiKey(key) } });
      if (!row || row.revokedAt) return null;
      // Touch at most once a minute so reads do not turn into a write per request.
      if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > 60_000) {
        await prisma.apiKey.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } });
      }
      return { keyId: row.id, name: row.name, scopes: row.scopes.map((s) => Scope.parse(s)) };
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
      if (existing.revokedAt) return toView(existing);
      const row = await audit.write(
        (tx) => tx.apiKey.update({ where: { id }, data: { revokedAt: new Date() } }),
        (r) => audited('revoke', toView(existing), toView(r)),
      );
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
