/**
 * The legacy multi-cloud cluster broker as the registry sees it: schemas, static facts and the
 * factory. The adapter's header (adapter.ts) lists the document's ambiguities and the choice
 * made for each (A40 on).
 */
import { startSimulator } from '../../sim/index.ts';
import type { ProviderDefinition } from '../contract.ts';
import { LegacyCredentials, LegacyOptions, checkLegacyAccount } from './account.ts';
import { LEGACY_CAPABILITIES, createLegacyAdapter } from './adapter.ts';
import { classifyLegacy } from './client.ts';
import { DEFAULT_TIMEOUT_MS } from './context.ts';
import { legacyOperations } from './operations.ts';
import { createProblems } from './spec-body.ts';
import { createLegacyClusterSimulator } from './simulator.ts';
import { DEMO_FAST_CONFIG, DEMO_HEADERS, DEMO_PLACEMENT, DEMO_STATUS_MAP } from './simulator-demo.ts';

export { LegacyCredentials, LegacyOptions, checkLegacyAccount } from './account.ts';
export { createLegacyClient, classifyLegacy, type LegacyClient } from './client.ts';
export { legacyOperations, runLegacyOperation, REACHABLE } from './operations.ts';

export const legacyCluster: ProviderDefinition<LegacyCredentials, LegacyOptions> = {
  kind: 'legacy-cluster',
  title: 'Legacy multi-cloud cluster API',
  capabilities: LEGACY_CAPABILITIES,
  // The broker keeps templates and expands one by N machines in one call of its own (op 5).
  scaling: 'native_group',
  // One call answers the whole list (no paging documented), and it lists running machines only, so
  // a machine that is coming up, stopped or failed may be missing: one pass proves nothing gone (A58).
  paging: { style: 'none', consistent: false },
  // Template membership (op 27) shows a machine once the broker's expand has written its row, which is
  // when its backend answered; the running list (op 26) shows it only once booted, a cloud boot of
  // a minute or two. Two minutes covers both.
  listLagMs: 120_000,
  // Machines cannot be named here (A53); the only names are template names, in a Beego ORM string column
  // (varchar 255 by default).
  maxNameLength: 255,
  credentials: LegacyCredentials,
  options: LegacyOptions,
  // A69: the broker answers after its backend cloud did.
  defaultTimeoutMs: DEFAULT_TIMEOUT_MS,
  classify: classifyLegacy,
  operations: legacyOperations,
  checkAccount: checkLegacyAccount,
  checkCreate: ({ spec, options }) => createProblems(spec, options),
  simulator: {
    start: ({ host, port, fast }) =>
      startSimulator(createLegacyClusterSimulator(fast ? { config: DEMO_FAST_CONFIG } : {}).app, { host, port }),
    demoAccount: (endpoint) => {
      const at = DEMO_PLACEMENT.aliyun;
      return {
        name: 'demo-legacy-cluster',
        endpoint,
        credentials: { headers: { ...DEMO_HEADERS } },
        options: {
          backend: at.provider,
          region: at.regionId,
          zone: at.zoneId,
          systemDiskCategory: at.diskCategory,
          dataDiskCategory: at.diskCategory,
          defaultDataDisk: { sizeGiB: 100, count: 1 },
          internetChargeType: at.internetChargeType,
          // The simulator reads the undocumented Status integers its own way (its A6): the
          // per-account override an operator of a real broker would set from its behaviour.
          statusMap: { ...DEMO_STATUS_MAP },
        },
      };
    },
  },
  create(account, deps) {
    return createLegacyAdapter(account, deps);
  },
};
