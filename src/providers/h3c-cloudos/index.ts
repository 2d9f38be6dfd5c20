/**
 * H3C CloudOS as the registry sees it: schemas, static facts and the factory. The adapter's
 * header (adapter.ts) lists the document's ambiguities and the choice made for each.
 */
import type { ProviderDefinition } from '../contract.ts';
import { H3cCredentials, H3cOptions } from './account.ts';
import { H3C_CAPABILITIES, createH3cAdapter } from './adapter.ts';
import { createH3cClient } from './client.ts';
import { h3cOperations, runH3cOperation } from './operations.ts';

export { H3cCredentials, H3cOptions } from './account.ts';
export { createH3cClient, type H3cClient } from './client.ts';
export { h3cOperations, runH3cOperation, type H3cOperation } from './operations.ts';

export const h3cCloudos: ProviderDefinition<H3cCredentials, H3cOptions> = {
  kind: 'h3c-cloudos',
  title: 'H3C CloudOS',
  capabilities: H3C_CAPABILITIES,
  // Nova writes the server row before it answers 202, so lists see a machine at once; the
  // margin covers a gateway or cell cache in front of it.
  listLagMs: 10_000,
  // A9: a hostname of 1–63 characters (Windows guests keep to 15; the name pattern decides).
  maxNameLength: 63,
  credentials: H3cCredentials,
  options: H3cOptions,
  // A create waits on Nova's scheduler call before answering 202; 30 s leaves room for it.
  defaultTimeoutMs: 30_000,
  operations: h3cOperations,
  create(account, deps) {
    const client = createH3cClient(account, deps);
    return {
      ...createH3cAdapter(account, deps, client),
      runOperation: (name, input) => runH3cOperation(client, name, input),
    };
  },
};
