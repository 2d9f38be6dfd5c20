/**
 * H3C CloudOS as the registry sees it: schemas, static facts and the factory. The adapter's
 * header (adapter.ts) lists the document's ambiguities and the choice made for each.
 */
import type { ProviderDefinition } from '../contract.ts';
import { H3cCredentials, H3cOptions } from './account.ts';
import { H3C_CAPABILITIES, createH3cAdapter } from './adapter.ts';
import { createH3cClient } from './client.ts';
import { createProblems, loginUserOf } from './create-body.ts';
import { h3cOperations, runH3cOperation } from './operations.ts';
import { startSimulator } from '../../sim/index.ts';
import { createH3cSimulator, DEFAULT_CATALOG, DEFAULT_PROJECT, DEFAULT_USER } from './simulator.ts';

export { H3cCredentials, H3cOptions } from './account.ts';
export { createH3cClient, type H3cClient } from './client.ts';
export { h3cOperations, runH3cOperation, type H3cOperation } from './operations.ts';

const FAST_DELAYS = { bootMs: 300, startMs: 150, stopMs: 150, rebootMs: 150, deleteMs: 150 };

export const h3cCloudos: ProviderDefinition<H3cCredentials, H3cOptions> = {
  kind: 'h3c-cloudos',
  title: 'H3C CloudOS',
  capabilities: H3C_CAPABILITIES,
  scaling: 'per_machine',
  // Nova pages by marker (the last id seen), and a pass over its pages is ordered by creation.
  paging: { style: 'marker', consistent: true },
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
  // A static token names neither its project nor a user: both must come from the options (A21, A23).
  checkAccount: (credentials, options) =>
    'token' in credentials
      ? [
          ...(options.projectId
            ? []
            : [{ pointer: '/options/projectId', detail: 'required with a static token: the token names no project' }]),
          ...(options.userName
            ? []
            : [{ pointer: '/options/userName', detail: 'required with a static token: creates must name a user' }]),
        ]
      : [],
  checkCreate: ({ spec, credentials, options }) => createProblems(spec, spec.tags, options, loginUserOf(credentials)),
  simulator: {
    start: ({ host, port, fast }) =>
      startSimulator(createH3cSimulator(fast ? { config: { delays: FAST_DELAYS } } : {}).app, { host, port }),
    demoAccount: (endpoint) => ({
      name: 'demo-h3c-cloudos',
      endpoint,
      credentials: { username: DEFAULT_USER.name, password: DEFAULT_USER.password, project: DEFAULT_PROJECT.name },
      // The platform's document has no network API, so the seeded network is named here.
      options: { defaultNetworkId: DEFAULT_CATALOG.networks[0]?.id },
    }),
  },
  create(account, deps) {
    const client = createH3cClient(account, deps);
    return {
      ...createH3cAdapter(account, deps, client),
      runOperation: (name, input) => runH3cOperation(client, name, input),
    };
  },
};
