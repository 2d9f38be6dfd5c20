/**
 * A Cloudplane template as a BridgX `cluster/create` body (A55, catalog §4.1). Every required
 * field comes from the spec, else from the account's options; what is still missing, or what
 * the platform cannot hold, is refused before any call with the field named.
 */
import { ProviderError, type GroupInput } from '../contract.ts';
import type { BridgxOptions } from './account.ts';

const OPERATION = 'groups.create';

function invalid(field: string, detail: string): ProviderError {
  return new ProviderError('bridgx', OPERATION, 'invalid', undefined, `${field}: ${detail}`);
}

export interface WireClusterCreate {
  name: string;
  provider: string;
  region_id: string;
  zone_id: string;
  instance_type: string;
  image: string;
  password: string;
  account_key: string;
  desc: string;
  tags?: string;
  network_config: {
    vpc: string;
    subnet_id: string;
    security_group: string;
    internet_charge_type?: string;
    internet_max_bandwidth_out?: number;
  };
  charge_config: { charge_type: 'PostPaid' | 'PrePaid'; period_unit?: string; period?: number };
  disks: {
    system_disk: { category: string; size: number };
    data_disk: Array<{ category: string; size: number }>;
  };
}

export function clusterBody(input: GroupInput, options: BridgxOptions): WireClusterCreate {
  const { spec } = input;
  const need = (value: string | undefined, field: string, option: string) => {
    if (!value) throw invalid(field, `required (or set options.${option})`);
    return value;
  };
  const groups = spec.network.securityGroupIds ?? [];
  // A cluster names exactly one security group.
  if (groups.length > 1) throw invalid('spec.network.securityGroupIds', 'BridgX takes one security group per cluster');
  if (spec.login.keyName) throw invalid('spec.login.keyName', 'BridgX has no key pairs; give spec.login.password');
  // The platform requires the machines' login password; it is sent once and never read back.
  const password = spec.login.password;
  if (!password) throw invalid('spec.login.password', 'required: BridgX sets it on every machine of the cluster');

  let charge: WireClusterCreate['charge_config'] = { charge_type: 'PostPaid' };
  if (spec.charge === 'prepaid') {
    if (!options.prepaidPeriodUnit || options.prepaidPeriod === undefined)
      throw invalid('spec.charge', 'prepaid needs options.prepaidPeriodUnit and options.prepaidPeriod');
    charge = { charge_type: 'PrePaid', period_unit: options.prepaidPeriodUnit, period: options.prepaidPeriod };
  }
  const bandwidth =
    options.internetChargeType !== undefined
      ? {
          internet_charge_type: options.internetChargeType,
          ...(options.internetMaxBandwidthOut !== undefined
            ? { internet_max_bandwidth_out: options.internetMaxBandwidthOut }
            : {}),
        }
      : {};
  const tags = Object.keys(input.tags).length > 0 ? { tags: JSON.stringify(input.tags) } : {};
  return {
    name: input.name,
    provider: options.cloud,
    region_id: spec.region ?? options.region,
    zone_id: need(spec.zone ?? options.zone, 'spec.zone', 'zone'),
    instance_type: spec.instanceType,
    image: spec.image,
    password,
    account_key: options.accountKey,
    desc: `Cloudplane template ${input.name}`,
    ...tags,
    network_config: {
      vpc: need(spec.network.vpcId ?? options.vpcId, 'spec.network.vpcId', 'vpcId'),
      subnet_id: need(spec.network.subnetId ?? options.subnetId, 'spec.network.subnetId', 'subnetId'),
      security_group: need(groups[0] ?? options.securityGroupId, 'spec.network.securityGroupIds', 'securityGroupId'),
      ...bandwidth,
    },
    charge_config: charge,
    disks: {
      system_disk: {
        category: spec.systemDisk?.category ?? options.diskCategory,
        size: spec.systemDisk?.sizeGiB ?? options.systemDiskGiB,
      },
      data_disk: spec.dataDisks.map((d) => ({ category: d.category ?? options.diskCategory, size: d.sizeGiB })),
    },
  };
}
