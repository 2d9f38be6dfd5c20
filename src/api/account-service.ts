/**
 * Accounts: a provider's credentials checked against that provider's own
 * schema before anything is stored, sealed at rest, and never returned.
 */
import type { PrismaClient } from '../generated/prisma/client.ts';
import type { CreateAccount, UpdateAccount } from '../domain/account.ts';
import { conflict, notFound } from '../domain/errors.ts';
import type { Capability } from '../domain/providers.ts';
import { ERASED_CREDENTIALS, toAccountView, type AccountRepository } from '../db/accounts.ts';
import { isUniqueViolation } from '../db/errors.ts';
import type { AccountProviders } from '../inventory/account-providers.ts';
import type { CatalogCache } from '../inventory/catalog-cache.ts';
import { definitionOf, UnknownProviderError, type Provider, type ProviderPool } from '../providers/registry.ts';
import { keyset, toPage } from './pagination.ts';
import { parseAt, validationFailed } from './validation.ts';
import type { AuditLog } from '../db/audit.ts';
import type { Account } from '../domain/account.ts';

export type CatalogKind = 'regions' | 'zones' | 'instance-types' | 'images';

const CATALOG: Record<CatalogKind, { capability: Capability; load: (p: Provider) => Promise<unknown[]> }> = {
  regions: { capability: 'catalog.regions', load: (p) => p.listRegions() },
  zones: { capability: 'catalog.zones', load: (p) => p.listZones() },
  'instance-types': { capability: 'catalog.instance_types', load: (p) => p.listInstanceTypes() },
  images: { capability: 'catalog.images', load: (p) => p.listImages() },
};

export function createAccountService(deps: {
  prisma: PrismaClient;
  accounts: AccountRepository;
  providers: AccountProviders;
  pool: ProviderPool;
  catalog: CatalogCache;
  audit: AuditLog;
}) {
  const { prisma, accounts, audit } = deps;
  /** Credentials never enter the audit log: only whether they were set or changed. */
  const audited = (action: string, id: string, before: Account | null, after: Account | null, credentials = false) => ({
    action: `account.${action}`,
    resourceType: 'account' as const,
    resourceId: id,
    before,
    after: after && credentials ? { ...after, credentialsChanged: true } : after,
  });

  function definition(provider: string) {
    const def = definitionOf(provider as never);
    if (!def) throw new UnknownProviderError(provider);
    return def;
  }

  /** The kind's schemas, then its own check of what the adapter will need later (refused now, field named). */
  function checkAccount(def: ReturnType<typeof definition>, credentials: unknown, options: unknown) {
    const parsed = parseAt(def.options, options ?? {}, 'body', '/options');
    const problems = def.checkAccount?.(credentials, parsed) ?? [];
    if (problems.length) throw validationFailed(problems.map((p) => ({ in: 'body', ...p })));
  }

  async function row(id: string, includeDeleted = false) {
    const found = await accounts.find(id, includeDeleted);
    if (!found) throw notFound('account', id);
    return found;
  }

  return {
    async create(input: CreateAccount) {
      const def = definition(input.provider);
      const credentials = parseAt(def.credentials, input.credentials, 'body', '/credentials');
      checkAccount(def, credentials, input.options);
      try {
        return toAccountView(
          await audit.write(
            (tx) => accounts.create({ ...input, credentials }, tx),
            (r) => audited('create', r.id, null, toAccountView(r), true),
          ),
        );
      } catch (err) {
        if (isUniqueViolation(err))
          throw conflict(`an account named "${input.name}" exists already`, { field: 'name' });
        throw err;
      }
    },

    async list(limit: number, cursor: string | undefined, includeDeleted = false) {
      const page = keyset('createdAt', 'asc', cursor);
      const rows = await prisma.account.findMany({
        where: { AND: [page.where, includeDeleted ? {} : { deletedAt: null }] },
        orderBy: page.orderBy,
        take: limit + 1,
      });
      return toPage(rows, limit, (r) => r.createdAt, toAccountView);
    },

    get: async (id: string, includeDeleted = false) => toAccountView(await row(id, includeDeleted)),

    async update(id: string, patch: UpdateAccount) {
      const current = await row(id);
      const def = definition(current.provider);
      const credentials =
        patch.credentials === undefined
          ? undefined
          : parseAt(def.credentials, patch.credentials, 'body', '/credentials');
      if (patch.options !== undefined || credentials !== undefined) {
        const stored = def.credentials.parse(accounts.openCredentials(current));
        checkAccount(def, credentials ?? stored, patch.options ?? current.options);
      }
      try {
        const updated = await audit.write(
          (tx) => accounts.update(id, { ...patch, credentials }, tx),
          (r) => audited('update', id, toAccountView(current), toAccountView(r), credentials !== undefined),
        );
        await deps.pool.forget(id);
        deps.catalog.forget(`${id}:`);
        return toAccountView(updated);
      } catch (err) {
        if (isUniqueViolation(err))
          throw conflict(`an account named "${patch.name}" exists already`, { field: 'name' });
        throw err;
      }
    },

    async remove(id: string) {
      const current = await row(id);
      const [templates, live] = await Promise.all([
        prisma.template.count({ where: { accountId: id, deletedAt: null } }),
        prisma.instance.count({ where: { accountId: id, deletedAt: null } }),
      ]);
      if (templates > 0 || live > 0) {
        throw conflict(`the account still has ${templates} template(s) and ${live} machine(s); delete them first`, {
          templates,
          instances: live,
        });
      }
      // Soft delete: tasks and audit entries keep naming the account, and its name is free again.
      // Its credentials are erased, and the records of its machines (all gone from the platform) go:
      // nothing is left that could reach the platform. Task items keep the machines' platform ids.
      await audit.write(
        async (tx) => {
          await tx.instance.deleteMany({ where: { accountId: id } });
          return tx.account.update({
            where: { id },
            data: { deletedAt: new Date(), credentialsCipher: ERASED_CREDENTIALS },
          });
        },
        () => audited('delete', id, toAccountView(current), null),
      );
      await deps.pool.forget(id);
      deps.catalog.forget(`${id}:`);
    },

    async verify(id: string) {
      const { provider } = await deps.providers.resolve(id);
      const started = performance.now();
      await provider.verifyCredentials();
      return { ok: true as const, provider: provider.kind, latencyMs: Math.round(performance.now() - started) };
    },

    async catalogOf(id: string, kind: CatalogKind, refresh: boolean): Promise<unknown[]> {
      const { provider } = await deps.providers.resolve(id);
      const entry = CATALOG[kind];
      if (!provider.supports(entry.capability)) {
        // Let the guard raise the 501 with the provider and operation named.
        return entry.load(provider);
      }
      return deps.catalog.get(`${id}:${kind}`, () => entry.load(provider), refresh);
    },
  };
}

export type AccountService = ReturnType<typeof createAccountService>;
