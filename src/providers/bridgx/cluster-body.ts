/**
 * A Cloudplane template as a BridgX `cluster/create` body (A55, catalog §4.1). Every required
 * field comes from the spec, else from the account's options; what is still missing, or what
 * the platform cannot hold, is refused before any call with the field named.
 */
import type { MachineSpec } from '../../domain/machine-spec.ts';
import { ProviderError, type CreateProblem, type GroupInput } from '../contract.ts';
import type { BridgxOptions } from './account.ts';

const OPERATION = 'groups.create';

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

/**
 * What `cluster/create` requires and a spec with its account may lack, or hold in a form BridgX
 * cannot take, as field-named problems: the one list of rules, read by checkCreate (templates,
 * accounts and expands refused when made) and by clusterBody (nothing sent when one is broken).
 */
export function createProblems(spec: MachineSpec, options: BridgxOptions): CreateProblem[] {
  const problems: CreateProblem[] = [];
  const need = (pointers: CreateProblem['pointers'], field: string, detail: string) =>
    problems.push({ pointers, detail: `${field}: ${detail}` });
  const groups = spec.network.securityGroupIds ?? [];
  // A cluster names exactly one security group.
  if (groups.length > 1)
    need(
      ['/spec/network/securityGroupIds'],
      'spec.network.securityGroupIds',
      'BridgX takes one security group per cluster',
    );
  if (spec.login.keyName)
    need(['/spec/login/keyName'], 'spec.login.keyName', 'BridgX has no key pairs; give spec.login.password');
  if (!spec.login.password)
    need(['/spec/login/password'], 'spec.login.password', 'required: BridgX sets it on every machine of the cluster');
  if (spec.charge === 'prepaid' && (!options.prepaidPeriodUnit || options.prepaidPeriod === undefined))
    need(
      ['/spec/charge', '/options/prepaidPeriodUnit', '/options/prepaidPeriod'],
      'spec.charge',
      'prepaid needs options.prepaidPeriodUnit and options.prepaidPeriod',
    );
  const required: Array<[string | undefined, string, string]> = [
    [spec.zone ?? options.zone, 'zone', 'zone'],
    [spec.network.vpcId ?? options.vpcId, 'network/vpcId', 'vpcId'],
    [spec.network.subnetId ?? options.subnetId, 'network/subnetId', 'subnetId'],
    [groups[0] ?? options.securityGroupId, 'network/securityGroupIds', 'securityGroupId'],
  ];
  for (const [value, field, option] of required)
    if (!value)
      need(
        [`/spec/${field}`, `/options/${option}`],
        `spec.${field.replace('/', '.')}`,
        `required (or set options.${option})`,
      );
  return problems;
}

export function clusterBody(input: GroupInput, options: BridgxOptions): WireClusterCreate {
  const { spec } = input;
  const [problem] = createProblems(spec, options);
  if (problem) throw new ProviderError('bridgx', OPERATION, 'invalid', undefined, problem.detail);
  const groups = spec.network.securityGroupIds ?? [];
  // The platform requires the machines' login password; it is sent once and never read back.
  const password = spec.login.password!;
  const charge: WireClusterCreate['charge_config'] =
    spec.charge === 'prepaid'
      ? { charge_type: 'PrePaid', period_unit: options.prepaidPeriodUnit, period: options.prepaidPeriod }
      : { charge_type: 'PostPaid' };
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
    zone_id: (spec.zone ?? options.zone)!,
    instance_type: spec.instanceType,
    image: spec.image,
    password,
    account_key: options.accountKey,
    desc: `Cloudplane template ${input.name}`,
    ...tags,
    network_config: {
      vpc: (spec.network.vpcId ?? options.vpcId)!,
      subnet_id: (spec.network.subnetId ?? options.subnetId)!,
      security_group: (groups[0] ?? options.securityGroupId)!,
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
