/**
 * Inspur ECS as the registry sees it: schemas, static facts and the factory. The adapter's
 * header (adapter.ts) lists the document's ambiguities (A40–A65) and the choice made for each.
 */
import type { ProviderDefinition } from '../contract.ts';
import { startSimulator } from '../../sim/index.ts';
import { checkInspurAccount, InspurCredentials, InspurOptions } from './account.ts';
import { INSPUR_CAPABILITIES, createInspurAdapter } from './adapter.ts';
import { classifyInspur, createInspurClient } from './client.ts';
import { inspurOperations, runInspurOperation } from './operations.ts';
import { createInspurEcsSimulator, DEMO_FAST_DELAYS, DEMO_TOKEN } from './simulator.ts';

export { InspurCredentials, InspurOptions } from './account.ts';
export { createInspurClient, type InspurClient } from './client.ts';
export { inspurOperations, runInspurOperation, type InspurOperation } from './operations.ts';

export const inspurEcs: ProviderDefinition<InspurCredentials, InspurOptions> = {
  kind: 'inspur-ecs',
  title: 'Inspur ECS',
  capabilities: INSPUR_CAPABILITIES,
  // The document has no server create or delete (A59): expand and shrink are refused at submit.
  scaling: 'none',
  // A45, A46: `/v1/servers/{pageNo}/{pageSize}` pages by number over a live list, so a server
  // moving between pages during a pass can be missed or repeated; one pass proves no absence.
  paging: { style: 'page_number', consistent: false },
  // Cloudplane never creates a server here, so no record waits for one to appear: a server is
  // recorded when a list first shows it.
  listLagMs: 0,
  // No name is ever written (no create, no rename); 255 is Nova's limit on the names listed.
  maxNameLength: 255,
  credentials: InspurCredentials,
  options: InspurOptions,
  // Reads and single actions are quick acks; a batch of 100 servers or a full page of 100
  // details is the slowest call documented, and 30 s leaves it room.
  defaultTimeoutMs: 30_000,
  // Refusals live in the envelope, inside HTTP 200 and 400 alike (A41, A43).
  classify: classifyInspur,
  operations: inspurOperations,
  checkAccount: checkInspurAccount,
  simulator: {
    start: ({ host, port, fast }) =>
      startSimulator(createInspurEcsSimulator(fast ? { config: { delays: DEMO_FAST_DELAYS } } : {}).app, {
        host,
        port,
      }),
    demoAccount: (endpoint) => ({
      name: 'demo-inspur-ecs',
      endpoint,
      credentials: { token: DEMO_TOKEN },
      options: {},
    }),
  },
  create(account, deps) {
    const client = createInspurClient(account, deps);
    return {
      ...createInspurAdapter(account, deps, client),
      runOperation: (name, input) => runInspurOperation(client, account.options, name, input),
    };
  },
};
