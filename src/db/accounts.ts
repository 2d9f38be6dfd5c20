/**
 * Accounts at rest: credentials sealed with AES-256-GCM on the way in,
 * opened only to build an adapter, never part of a view.
 */
import { createHash } from 'node:crypto';
import type { Account as AccountRow, Prisma, PrismaClient } from '../generated/prisma/client.ts';
import type { Account } from '../domain/account.ts';
import { ProviderKind } from '../domain/providers.ts';
import type { AccountRecord } from '../providers/registry.ts';
import { openJson, sealJson, type SecretBox } from './secret-box.ts';

/** What a deleted account's sealed credentials are replaced with: nothing left to open. */
export const ERASED_CREDENTIALS = '';

/** The decrypted account the provider pool builds an adapter from. */
export type AccountWithSecrets = AccountRecord;

export function toAccountView(row: AccountRow): Account {
  return {
    id: row.id,
    name: row.name,
    provider: ProviderKind.parse(row.provider),
    endpoint: row.endpoint,
    options: (row.options ?? {}) as Record<string, unknown>,
    credentialsSet: row.credentialsCipher !== ERASED_CREDENTIALS,
    lastSyncedAt: row.lastSyncedAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    deletedAt: row.deletedAt,
  };
}

export function createAccountRepository(prisma: PrismaClient, box: SecretBox) {
  return {
    /** `tx`: the caller's transaction, when the write has company (its audit entry). */
    create(
      input: {
        name: string;
        provider: ProviderKind;
        endpoint: string;
        credentials: unknown;
        options: Record<string, unknown>;
      },
      tx: Prisma.TransactionClient = prisma,
    ) {
      return tx.account.create({
        data: {
          name: input.name,
          provider: input.provider,
          endpoint: input.endpoint,
          credentialsCipher: sealJson(box, input.credentials),
          options: input.options as Prisma.InputJsonValue,
        },
      });
    },
    update(
      id: string,
      input: { name?: string; endpoint?: string; credentials?: unknown; options?: Record<string, unknown> },
      tx: Prisma.TransactionClient = prisma,
    ) {
      return tx.account.update({
        where: { id },
        data: {
          name: input.name,
          endpoint: input.endpoint,
          credentialsCipher: input.credentials === undefined ? undefined : sealJson(box, input.credentials),
          options: input.options as Prisma.InputJsonValue | undefined,
        },
      });
    },
    /** A deleted account is not found unless asked for (docs/history.md). */
    find: (id: string, includeDeleted = false) =>
      prisma.account.findFirst({ where: { id, ...(includeDeleted ? {} : { deletedAt: null }) } }),
    /** The decrypted account an adapter needs. Callers must not log or return it. */
    withSecrets(row: AccountRow): AccountWithSecrets {
      return {
        id: row.id,
        provider: ProviderKind.parse(row.provider),
        endpoint: row.endpoint,
        credentials: openJson(box, row.credentialsCipher),
        options: row.options,
        // What the adapter is built from, not updatedAt: a sync touching the row must not rebuild it.
        version: createHash('sha256')
          .update(row.endpoint)
          .update('\0')
          .update(row.credentialsCipher)
          .update('\0')
          .update(JSON.stringify(row.options))
          .digest('hex'),
      };
    },
    openCredentials: (row: AccountRow) => openJson(box, row.credentialsCipher),
  };
}

export type AccountRepository = ReturnType<typeof createAccountRepository>;
