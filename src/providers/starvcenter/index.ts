/**
 * StarVCenter as the registry sees it: schemas, static facts and the factory. The adapter's
 * header (adapter.ts) lists the document's ambiguities and the choice made for each (A40–A66).
 */
import type { ProviderDefinition } from '../contract.ts';
import { startSimulator } from '../../sim/index.ts';
import { StarVCenterCredentials, StarVCenterOptions, checkStarVCenterAccount, DEFAULT_BASE_PATH } from './account.ts';
import { STARVCENTER_CAPABILITIES, createStarVCenterAdapter } from './adapter.ts';
import { classifyStarVCenter, createStarVCenterClient } from './client.ts';
import { createProblems } from './create-params.ts';
import { runStarVCenterOperation, starvcenterOperations } from './operations.ts';
import { DEMO_FAST_DELAYS, DEMO_NETWORKS, DEMO_TENANT, createStarVCenterSimulator } from './simulator.ts';

export { StarVCenterCredentials, StarVCenterOptions } from './account.ts';
export { createStarVCenterClient, type StarVCenterClient } from './client.ts';
export { runStarVCenterOperation, starvcenterOperations } from './operations.ts';

export const starvcenter: ProviderDefinition<StarVCenterCredentials, StarVCenterOptions> = {
  kind: 'starvcenter',
  title: 'StarVCenter',
  capabilities: STARVCENTER_CAPABILITIES,
  // A57: one `cloudvm/create` per machine, answered with the VM id and its creation job.
  scaling: 'per_machine_job',
  // A50: `page.startnum` is a page number; pages shift as VMs come and go, so one pass is no proof.
  paging: { style: 'page_number', consistent: false },
  // The create answer names the VM, so a get sees it at once; nothing says when the search
  // does, and a Java service behind a replicated database may lag: a margin, not a measurement.
  listLagMs: 15_000,
  // A51: the document gives no limit for `vm.name`; 64 fits a VARCHAR(64) and every marker.
  maxNameLength: 64,
  credentials: StarVCenterCredentials,
  options: StarVCenterOptions,
  // The document states no timing; a create starts an install job before it answers, so
  // 30 s leaves room for a busy platform without holding a worker on a dead one.
  defaultTimeoutMs: 30_000,
  // A48: success and failure live in the Base64 envelope of an HTTP 200.
  classify: classifyStarVCenter,
  operations: starvcenterOperations,
  checkAccount: checkStarVCenterAccount,
  checkCreate: ({ spec, options }) => createProblems(spec, options),
  simulator: {
    start: ({ host, port, fast }) =>
      startSimulator(createStarVCenterSimulator(fast ? { config: { delays: DEMO_FAST_DELAYS } } : {}).app, {
        host,
        port,
      }),
    demoAccount: (endpoint) => ({
      name: 'demo-starvcenter',
      endpoint: `${endpoint.replace(/\/+$/, '')}${DEFAULT_BASE_PATH}`,
      credentials: { token: DEMO_TENANT.token },
      // The document's create needs a private network. The simulator's reboots are short, so a
      // short reboot window fits it; a real platform keeps the default (A60).
      options: { defaultNetworkId: DEMO_NETWORKS[0]!.id, rebootWindowMs: 3_000 },
    }),
  },
  create(account, deps) {
    const client = createStarVCenterClient(account, deps);
    return {
      ...createStarVCenterAdapter(account, deps, client),
      runOperation: (name, input) => runStarVCenterOperation(client, name, input),
    };
  },
};
