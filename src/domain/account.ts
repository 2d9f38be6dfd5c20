import { z } from 'zod';
import { ResourceName } from './names.ts';
import { ProviderKind } from './providers.ts';

export const AccountName = ResourceName;

const Endpoint = z
  .url({ protocol: /^https?$/ })
  .max(2048)
  .describe("The platform's base URL, e.g. http://cloudos.example:11000");

/** An account as the API shows it: credentials are write-only and never appear. */
export const Account = z.object({
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
});
export type Account = z.infer<typeof Account>;

export const CreateAccount = z.object({
  name: AccountName,
  provider: ProviderKind,
  endpoint: Endpoint,
  credentials: z.record(z.string(), z.unknown()).describe('Shape depends on the provider; see GET /v1/providers'),
  options: z.record(z.string(), z.unknown()).default({}),
});
export type CreateAccount = z.infer<typeof CreateAccount>;

export const UpdateAccount = z
  .object({
    name: AccountName,
    endpoint: Endpoint,
    credentials: z.record(z.string(), z.unknown()),
    options: z.record(z.string(), z.unknown()),
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, 'give at least one field to change');
export type UpdateAccount = z.infer<typeof UpdateAccount>;
