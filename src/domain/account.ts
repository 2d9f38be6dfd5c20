import { z } from 'zod';
import { ResourceName } from './names.ts';
import { ProviderKind } from './providers.ts';

export const AccountName = ResourceName;

const Endpoint = z
  .url({ protocol: /^https?$/ })
  .max(2048)
  .describe("The platform's base URL, e.g. http://cloudos.example:11000");

/** An account as the API shows it: credentials are write-only and never appear. */
export const Account = z
  .object({
    id: z.uuid(),
    name: z.string(),
    provider: ProviderKind,
    endpoint: z.string(),
    options: z.record(z.string(), z.unknown()),
    credentialsSet: z
      .boolean()
      .describe('Credentials are stored encrypted and never returned; a deleted account has them erased'),
    lastSyncedAt: z.date().nullable(),
    createdAt: z.date(),
    updatedAt: z.date(),
    deletedAt: z.date().nullable().describe('Set once deleted; deleted accounts show only with `includeDeleted=true`'),
  })
  .meta({ id: 'Account' });
export type Account = z.infer<typeof Account>;

export const CreateAccount = z
  .object({
    name: AccountName,
    provider: ProviderKind,
    endpoint: Endpoint,
    credentials: z.record(z.string(), z.unknown()).describe('Shape depends on the provider; see GET /v1/providers'),
    options: z.record(z.string(), z.unknown()).default({}),
  })
  .meta({ id: 'CreateAccount' });
export type CreateAccount = z.infer<typeof CreateAccount>;

/**
 * A JSON Merge Patch (RFC 7396) of an account: members given replace, members set to null are
 * removed, objects merge into what is stored. `credentials` merge into the stored (sealed) ones
 * and, like them, are never returned.
 */
export const UpdateAccount = z
  .object({
    name: AccountName,
    endpoint: Endpoint,
    credentials: z
      .record(z.string(), z.unknown())
      .describe('Merged into the stored credentials (null removes a member); the result must fit the provider'),
    options: z
      .record(z.string(), z.unknown())
      .nullable()
      .describe('Merged into the stored options (null removes a member; null for the whole clears them)'),
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, 'give at least one field to change')
  .meta({ id: 'UpdateAccount' });
export type UpdateAccount = z.infer<typeof UpdateAccount>;
