/**
 * BridgX as the registry sees it: schemas, static facts and the factory. The adapter's header
 * (adapter.ts) lists the document's ambiguities and the choice made for each.
 */
import { randomBytes } from 'node:crypto';
import type { ProviderDefinition } from '../contract.ts';
import { startSimulator } from '../../sim/index.ts';
import { BridgxCredentials, BridgxOptions, checkBridgxAccount } from './account.ts';
import { BRIDGX_CAPABILITIES, createBridgxAdapter } from './adapter.ts';
import { classifyBridgx, createBridgxClient } from './client.ts';
import { createProblems } from './cluster-body.ts';
import { bridgxOperations, runBridgxOperation } from './operations.ts';
import {
  createBridgxSimulator,
  DEMO_ACCOUNT,
  DEMO_NETWORK,
  DEMO_REGION,
  DEMO_TOKEN,
  DEMO_ZONE,
  FAST_TIMING,
} from './simulator.ts';

export { BridgxCredentials, BridgxOptions } from './account.ts';
export { createBridgxClient, type BridgxClient } from './client.ts';
export { bridgxOperations, runBridgxOperation } from './operations.ts';
export type { BridgxOperation } from './operation-kit.ts';

/** Machine boots and deletes of a few hundred milliseconds, for demos and the contract tests. */
const FAST_DELAYS = { bootMs: 300, deleteMs: 200 };

/**
 * A login password for clusters made from the demo catalog (cluster/create requires one). Made at
 * start, so no password is written anywhere; upper, lower, digit and symbol are all present.
 */
const DEMO_PASSWORD = `Cp-${randomBytes(6).toString('hex')}x9Q`;

export const bridgx: ProviderDefinition<BridgxCredentials, BridgxOptions> = {
  kind: 'bridgx',
  title: 'BridgX',
  capabilities: BRIDGX_CAPABILITIES,
  // BridgX runs its own expand and shrink tasks and has no get-task-by-id: the engine follows the
  // task in its task list and finds the machines in the cluster's membership (A57, A58).
  scaling: 'platform_tasks',
  // A63: the cost API counts per calendar day in UTC+08:00 (China Standard Time).
  usageTimeZone: '+08:00',
  // Lists page by page_number (A46): machines coming and going between pages shift them, so one
  // pass is not a consistent picture.
  paging: { style: 'page_number', consistent: false },
  // A machine row is written by BridgX's task runner once the cloud has answered its create call,
  // which takes seconds; the margin covers a task that waited behind another on its cluster.
  listLagMs: 30_000,
  // BridgX names no machine (no name field anywhere), so markers never go on machines; 64 is the
  // narrowest name rule the document has (vpc_name, 2–64), used for the cluster names it keys by.
  maxNameLength: 64,
  credentials: BridgxCredentials,
  options: BridgxOptions,
  // Cluster and network creates call the cloud before answering; 30 s leaves room for them (the
  // region sync, which reads a whole region, sets its own longer deadline).
  defaultTimeoutMs: 30_000,
  classify: classifyBridgx,
  operations: bridgxOperations,
  checkAccount: (_credentials, options) => checkBridgxAccount(options),
  checkCreate: ({ spec, options }) => createProblems(spec, options),
  simulator: {
    start: ({ host, port, fast }) =>
      startSimulator(createBridgxSimulator(fast ? { config: { delays: FAST_DELAYS }, timing: FAST_TIMING } : {}).app, {
        host,
        port,
      }),
    demoAccount: (endpoint) => ({
      name: 'demo-bridgx',
      endpoint,
      credentials: { token: DEMO_TOKEN },
      options: {
        accountKey: DEMO_ACCOUNT.ak,
        cloud: DEMO_ACCOUNT.provider,
        region: DEMO_REGION,
        zone: DEMO_ZONE,
        vpcId: DEMO_NETWORK.vpcId,
        subnetId: DEMO_NETWORK.subnetId,
        securityGroupId: DEMO_NETWORK.securityGroupId,
      },
    }),
    specExtras: { login: { password: DEMO_PASSWORD } },
  },
  create(account, deps) {
    const client = createBridgxClient(account, deps);
    return {
      ...createBridgxAdapter(account, deps, client),
      runOperation: (name, input) => runBridgxOperation(client, name, input),
    };
  },
};
