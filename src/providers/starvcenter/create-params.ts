/**
 * A unified create → the KEY_PARAM of `POST cloudvm/create` (#2, L211–L281; A54). What the
 * platform has no field for is refused here, before any call, with a message that says which
 * spec field and why — never dropped silently. The one exception is tags (A55): the engine
 * always sends its markers, and the platform keeps the marker in the name.
 */
import type { CreateInstanceRequest, MachineSpec } from '../../domain/machine-spec.ts';
import { ProviderError, type CreateProblem } from '../contract.ts';
import type { StarVCenterOptions } from './account.ts';
import { PROVIDER } from './client.ts';
import { parseImageId, parseInstanceType } from './mapping.ts';

const OPERATION = 'instances.create';

function refuse(detail: string): never {
  throw new ProviderError(PROVIDER, OPERATION, 'invalid', undefined, detail);
}

/**
 * What `cloudvm/create` cannot take from a spec and account, as field-named problems: the one list
 * of rules, read by checkCreate (templates, accounts and expands refused when made) and by
 * createParams (nothing sent when one is broken).
 */
export function createProblems(spec: MachineSpec, options: StarVCenterOptions): CreateProblem[] {
  const problems: CreateProblem[] = [];
  const need = (pointers: CreateProblem['pointers'], detail: string) => problems.push({ pointers, detail });
  if (spec.region) need(['/spec/region'], 'StarVCenter has no regions or zones: leave spec.region and spec.zone unset');
  if (spec.zone) need(['/spec/zone'], 'StarVCenter has no regions or zones: leave spec.region and spec.zone unset');
  if (spec.charge !== 'on_demand')
    need(['/spec/charge'], 'StarVCenter has no prepaid charging: spec.charge must be on_demand');
  if (spec.login.keyName) need(['/spec/login/keyName'], 'StarVCenter has no key pairs: use spec.login.password');
  if (spec.network.securityGroupIds?.length)
    need(
      ['/spec/network/securityGroupIds'],
      'StarVCenter binds security groups to NICs, not at create: leave spec.network.securityGroupIds empty ' +
        'and bind with the operation security_groups.bind_nics once the machine runs',
    );
  if (!parseInstanceType(spec.instanceType, options.instanceTypes))
    need(
      ['/spec/instanceType', '/options/instanceTypes'],
      `instance type ${spec.instanceType} is neither listed nor of the form c<vCPUs>m<MiB>`,
    );
  if (!(spec.network.subnetId ?? spec.network.vpcId ?? options.defaultNetworkId))
    need(
      ['/spec/network/subnetId', '/spec/network/vpcId', '/options/defaultNetworkId'],
      'a private network is required: give spec.network.subnetId (or vpcId), or set options.defaultNetworkId',
    );
  const disks = spec.dataDisks;
  if (disks.some((d) => d.sizeGiB !== disks[0]?.sizeGiB))
    need(
      ['/spec/dataDisks'],
      'StarVCenter gives every data disk of a create one size: make spec.dataDisks the same size',
    );
  if (disks.some((d) => d.category))
    need(['/spec/dataDisks'], 'StarVCenter has no disk categories at create: leave category unset');
  const image = parseImageId(spec.image);
  if ((image.kind === 'model' ? image.code : image.id) === '')
    need(['/spec/image'], `image ${spec.image} names nothing`);
  return problems;
}

export function createParams(req: CreateInstanceRequest, options: StarVCenterOptions): Record<string, string> {
  const { spec } = req;
  const [problem] = createProblems(spec, options);
  if (problem) refuse(problem.detail);
  const size = parseInstanceType(spec.instanceType, options.instanceTypes)!;
  const network = (spec.network.subnetId ?? spec.network.vpcId ?? options.defaultNetworkId)!;
  const disks = spec.dataDisks;
  const diskSize = disks[0]?.sizeGiB;
  const image = parseImageId(spec.image);

  return {
    'vm.name': req.name,
    // Exactly one of the two (L225–L230).
    ...(image.kind === 'model' ? { 'vm.tenant.model': image.code } : { 'vm.template.id': image.id }),
    'vm.vcpu.num': String(size.vcpus),
    'vm.memory.mem': String(size.memoryMiB),
    'vnic.portgroupid': network,
    // One VM per call: how the platform names several is not documented (A54).
    'vm.num': '1',
    ...(spec.login.password ? { 'vm.account.pwd': spec.login.password } : {}),
    ...(options.nestedVirtualization !== undefined ? { 'vm.hyperv.enable': String(options.nestedVirtualization) } : {}),
    ...(disks.length > 0 ? { 'vm.vdisk.num': String(disks.length), 'vm.vdisk.size': String(diskSize) } : {}),
  };
}
