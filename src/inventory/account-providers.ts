/** Account id → the guarded Provider for it, with credentials opened only here. */
import type { PrismaClient } from '../generated/prisma/client.ts';
import type { Account as AccountRow } from '../generated/prisma/client.ts';
import { notFound } from '../domain/errors.ts';
import type { AccountRepository } from '../db/accounts.ts';
import type { Provider, ProviderPool } from '../providers/registry.ts';

export interface ResolvedAccount {
  row: AccountRow;
  provider: Provider;
}

export function createAccountProviders(deps: {
  prisma: PrismaClient;
  accounts: AccountRepository;
  pool: ProviderPool;
}) {
  return {
    async resolve(accountId: string): Promise<ResolvedAccount> {
      // A deleted account has no platform to reach any more (its credentials are erased).
      const row = await deps.prisma.account.findFirst({ where: { id: accountId, deletedAt: null } });
      if (!row) throw notFound('account', accountId);
      return { row, provider: deps.pool.get(deps.accounts.withSecrets(row)) };
    },
    forRow(row: AccountRow): Provider {
      return deps.pool.get(deps.accounts.withSecrets(row));
    },
  };
}

export type AccountProviders = ReturnType<typeof createAccountProviders>;
