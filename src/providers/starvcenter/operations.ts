/**
 * The typed catalog of StarVCenter's documented operations beyond the unified model (DESIGN
 * "Provider operations"): each with a zod input and output, run through the same client
 * (token, envelope, result codes, validation). Inputs and outputs are camelCase; the
 * platform's keys stay in this folder. `DOCUMENTED` says where each of the document's 92
 * operations is reachable: a unified capability or an operation of this catalog.
 */
import type { Capability } from '../../domain/providers.ts';
import type { StarVCenterClient } from './client.ts';
import type { StarOperation } from './operation-kit.ts';
import { modelOperations } from './operations-models.ts';
import { monitorOperations } from './operations-monitor.ts';
import { networkOperations } from './operations-network.ts';
import { resourceOperations } from './operations-resources.ts';
import { routerOperations } from './operations-routers.ts';
import { securityGroupOperations } from './operations-segroups.ts';
import { slbNodeOperations } from './operations-slb-nodes.ts';
import { slbOperations } from './operations-slb.ts';
import { storageOperations } from './operations-storage.ts';
import { vmOperations } from './operations-vms.ts';

export type { StarOperation } from './operation-kit.ts';

// models.list comes first: a harmless read that takes no input.
export const starvcenterOperations: readonly StarOperation[] = [
  ...modelOperations,
  ...vmOperations,
  ...storageOperations,
  ...networkOperations,
  ...routerOperations,
  ...monitorOperations,
  ...resourceOperations,
  ...slbOperations,
  ...slbNodeOperations,
  ...securityGroupOperations,
] as unknown as readonly StarOperation[];

type Reach = { capability: Capability } | { operation: string };
const cap = (capability: Capability): Reach => ({ capability });
const op = (operation: string): Reach => ({ operation });

/** Document operation number (catalog §3) → where it is reachable. */
export const DOCUMENTED: Readonly<Record<number, readonly Reach[]>> = {
  1: [op('tenants.create')],
  2: [cap('instances.create')],
  3: [cap('instances.list'), op('vms.search')],
  4: [cap('instances.get')],
  5: [cap('instances.start')],
  6: [cap('instances.stop'), op('vms.power_off')],
  7: [cap('instances.stop'), op('vms.shutdown')],
  8: [cap('instances.delete')],
  9: [cap('instances.tags'), op('vms.modify')],
  10: [cap('instances.console'), op('vms.connection')],
  11: [op('vms.set_admin_password')],
  12: [op('vms.wake_agent')],
  13: [op('vms.set_vnc_password')],
  14: [op('vms.reset_vnc_password')],
  15: [cap('instances.reboot')],
  16: [op('vms.set_cpu')],
  17: [op('vms.set_memory')],
  18: [cap('catalog.images'), op('models.list')],
  19: [op('vms.switch_firewall')],
  20: [op('models.add')],
  21: [op('models.delete')],
  22: [cap('vpcs.create')],
  23: [op('networks.modify')],
  24: [cap('vpcs.delete')],
  25: [cap('vpcs.list'), cap('vpcs.get'), cap('subnets.list'), cap('subnets.get')],
  26: [op('share_net.connect')],
  27: [op('share_net.search')],
  28: [op('port_mappings.create')],
  29: [op('ip_mappings.delete')],
  30: [op('access_rules.search')],
  31: [op('access_rules.add')],
  32: [op('access_rules.delete')],
  33: [op('netgate.switch')],
  34: [op('disks.add')],
  35: [op('disks.delete')],
  36: [op('disks.extend')],
  37: [op('disks.search')],
  38: [op('disks.create_pv')],
  39: [op('nics.search')],
  40: [op('nics.add')],
  41: [op('backups.list')],
  42: [op('backups.create')],
  43: [op('backups.delete')],
  44: [op('backups.restore')],
  45: [op('backups.modify')],
  46: [op('snapshots.list')],
  47: [op('snapshots.create')],
  48: [op('snapshots.restore')],
  49: [op('snapshots.delete')],
  50: [op('snapshots.modify')],
  51: [op('monitor.compute_current')],
  52: [op('monitor.compute_history')],
  53: [op('monitor.disk_history')],
  54: [op('monitor.net_history')],
  55: [op('monitor.disk_current')],
  56: [op('monitor.net_current')],
  57: [op('monitor.compute_currents')],
  58: [op('routers.create')],
  59: [op('routers.attach_subnet')],
  60: [op('routers.detach_subnet')],
  61: [op('routers.get')],
  62: [op('routers.search_mappings')],
  63: [op('quotas.pool')],
  64: [op('quotas.modify')],
  65: [op('quotas.usable')],
  66: [op('ip_pool.search')],
  67: [op('slbs.search')],
  68: [op('slbs.add')],
  69: [op('slbs.modify')],
  70: [op('slbs.delete')],
  71: [op('slbs.enable')],
  72: [op('slbs.disable')],
  73: [op('slbs.configure_cert')],
  74: [op('slb_nodes.search')],
  75: [op('slb_nodes.add')],
  76: [op('slb_nodes.modify')],
  77: [op('slb_nodes.delete')],
  78: [op('hosts.search')],
  79: [op('alarms.search')],
  80: [op('storages.search')],
  81: [cap('security_groups.list'), cap('security_groups.get')],
  82: [cap('security_groups.create')],
  83: [cap('security_groups.delete')],
  84: [op('security_groups.bind_nics')],
  85: [op('security_groups.unbind_nics')],
  86: [op('security_groups.search_nics')],
  87: [cap('security_groups.list'), op('security_groups.search_rules')],
  88: [cap('security_groups.create'), op('security_groups.add_rule')],
  89: [op('security_groups.delete_rule')],
  90: [op('security_groups.vm_rules')],
  91: [op('security_groups.pending_rules')],
  92: [op('security_groups.retry_rules')],
};

/** Validates the input, runs the operation and validates what it returns. */
export async function runStarVCenterOperation(
  client: StarVCenterClient,
  name: string,
  input: unknown,
): Promise<unknown> {
  const found = starvcenterOperations.find((o) => o.name === name);
  if (!found) throw new Error(`starvcenter has no operation ${name}`);
  const parsed: unknown = found.input.parse(input);
  return found.output.parse(await found.run(client, parsed));
}
