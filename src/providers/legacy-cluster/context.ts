/** What the adapter's parts share: the wire client, the account's options and a logger. */
import { ProviderError, type AdapterDeps } from '../contract.ts';
import type { LegacyOptions } from './account.ts';
import type { LegacyClient } from './client.ts';

export interface LegacyContext {
  client: LegacyClient;
  options: LegacyOptions;
  logger: AdapterDeps['logger'];
}

export const isNotFound = (err: unknown): boolean => err instanceof ProviderError && err.kind === 'not_found';

/**
 * Per-call deadline when the account sets none (A69): the broker answers a create only after
 * its backend cloud answered, which for Aliyun or AWS takes seconds to tens of seconds.
 */
export const DEFAULT_TIMEOUT_MS = 60_000;
