/**
 * Operation names of the legacy cluster simulator, keyed by the catalog's global operation
 * number (§3): what fault rules and the call log name (`POST /_sim/faults {op: 'cluster.expand'}`).
 * `instance.register.item` is the per-machine check inside op 31 (A36).
 */
export const LEGACY_OPS = {
  1: 'cluster.list',
  2: 'cluster.get',
  3: 'cluster.create',
  4: 'cluster.delete',
  5: 'cluster.expand',
  6: 'cluster.number',
  7: 'cluster.oldnumber',
  8: 'instance.create',
  9: 'instance.get',
  10: 'instance.start',
  11: 'instance.status',
  12: 'instance.update_status',
  13: 'instance.delete',
  14: 'instance.sshkey_download',
  15: 'instance.sshkey_upload',
  16: 'catalog.providers',
  17: 'catalog.regions',
  18: 'catalog.zones',
  19: 'catalog.vpcs',
  20: 'catalog.subnets',
  21: 'catalog.instance_types',
  22: 'catalog.charge_types',
  23: 'catalog.disk_categories',
  24: 'catalog.images',
  25: 'catalog.security_groups',
  26: 'instance.list',
  27: 'instance.list_cluster',
  28: 'instance.log_correlation',
  29: 'instance.log',
  30: 'instance.upload',
  31: 'instance.register',
  32: 'instance.openstack',
} as const;

export type LegacyOp = (typeof LEGACY_OPS)[keyof typeof LEGACY_OPS];

/** The per-item fault check of op 31 (key = the machine's public IP). */
export const REGISTER_ITEM_OP = 'instance.register.item';
