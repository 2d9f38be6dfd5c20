/**
 * The catalogued network, router, load-balancer, security-group, monitoring, quota, host,
 * alarm and storage operations, run through the account's provider against the simulator.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MachineSpec } from '../../../src/domain/machine-spec.ts';
import type { Provider } from '../../../src/providers/registry.ts';
import {
  DEMO_HOSTS,
  DEMO_POOL,
  DEMO_SECURITY_GROUP,
  DEMO_STORAGES,
  DEMO_TENANT,
} from '../../../src/providers/starvcenter/simulator.ts';
import { DELAYS, NETWORK_ID, startStarVCenter, type StarHarness } from './harness.ts';

const CERT = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----';
const KEY = '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----';

let h: StarHarness;
let p: Provider;
const run = (name: string, input: Record<string, unknown> = {}) => p.runOperation(name, input) as Promise<any>;

async function runningVm(name: string): Promise<string> {
  const spec = MachineSpec.parse({ instanceType: 'c2m4096', image: 'model:centos-7-9' });
  const { instanceId } = await p.createInstance({ name, spec, tags: {} });
  await h.advance(DELAYS.bootMs);
  return instanceId!;
}

beforeAll(async () => {
  h = await startStarVCenter();
});
afterAll(() => h.close());
beforeEach(async () => {
  await h.reset();
  ({ provider: p } = h.provider());
});

describe('networks, mappings and access rules', () => {
  it('renames a network', async () => {
    expect(await run('networks.modify', { networkId: NETWORK_ID, name: 'app-net', description: 'app' })).toEqual({
      accepted: true,
    });
    expect(await p.getVpc(NETWORK_ID)).toMatchObject({ name: 'app-net' });
  });

  it('maps a VM onto the shared network, lists and deletes the mapping', async () => {
    const id = await runningVm('cp-share-1');
    const { sharedIp } = await run('share_net.connect', { vmId: id, allowedSources: '10.0.0.0/8' });
    expect(sharedIp).toEqual(expect.any(String));
    const listed = await run('share_net.search', { vmName: 'cp-share' });
    expect(listed.items).toEqual([expect.objectContaining({ vmId: id, sharedIp, id: expect.any(String) })]);
    expect(await run('ip_mappings.delete', { id: listed.items[0].id })).toEqual({ accepted: true });
    expect((await run('share_net.search', {})).items).toEqual([]);
  });

  it('maps an external port from the pool onto a VM port', async () => {
    const id = await runningVm('cp-port-1');
    const vm = await p.getInstance(id);
    const pool = await run('ip_pool.search', { type: 'port' });
    expect(pool.items.length).toBeGreaterThan(0);
    const outerIp = pool.items[0].ipAddress;
    const made = await run('port_mappings.create', {
      innerIp: vm!.privateIps[0],
      innerPort: 8080,
      outerIp,
      outerPort: 18080,
      protocol: 'tcp',
    });
    expect(made).toHaveProperty('id');
    const nat = await run('routers.search_mappings', { outerIp, type: 'port' });
    expect(nat.items).toContainEqual(expect.objectContaining({ outerIp, outerPort: '18080', innerPort: '8080' }));
  });

  it('adds, lists and deletes an access-control rule, and switches the edge firewall', async () => {
    const id = await runningVm('cp-acl-1');
    const ip = (await p.getInstance(id))!.privateIps[0]!;
    const { id: ruleId } = await run('access_rules.add', {
      vmIp: ip,
      type: 'net_inner',
      direction: 'in',
      destinations: ip,
      sources: '10.0.0.0/8',
      ports: '80:83,443',
      protocol: 'tcp',
    });
    expect(ruleId).toEqual(expect.any(String));
    const listed = await run('access_rules.search', { target: ip });
    expect(listed.items).toContainEqual(expect.objectContaining({ id: ruleId }));
    expect(await run('access_rules.delete', { id: ruleId })).toEqual({ accepted: true });
    expect(await run('netgate.switch', { subnetId: NETWORK_ID, open: true })).toEqual({ accepted: true });
    expect(await run('netgate.switch', { subnetId: NETWORK_ID, open: false })).toEqual({ accepted: true });
  });
});

describe('cloud routers and load balancers', () => {
  it('creates a router VM, attaches a subnet, shows it and balances onto a VM behind it', async () => {
    const { routers } = await run('routers.create', { name: 'vr-1', highAvailability: false });
    expect(routers).toEqual([expect.objectContaining({ vmId: expect.any(String), startId: expect.any(String) })]);
    const routerVm = routers[0].vmId;
    await h.advance(DELAYS.bootMs);
    expect(await run('routers.attach_subnet', { subnetId: NETWORK_ID })).toEqual({ accepted: true });
    expect(await run('routers.get', { vmId: routerVm })).toMatchObject({ name: expect.any(String) });

    const backend = await runningVm('cp-lb-backend');
    const backendIp = (await p.getInstance(backend))!.privateIps[0]!;
    const pool = await run('ip_pool.search', {});
    const { id: slbId } = await run('slbs.add', {
      name: 'web-lb',
      tenantId: DEMO_TENANT.id,
      protocol: 'HTTPS',
      certificate: CERT,
      privateKey: KEY,
      networkType: 'outter',
      frontendIp: pool.items.at(-1).ipAddress,
      frontendPort: 80,
      routerVmId: routerVm,
      policy: 'rr',
      nodes: [{ ip: backendIp, port: 8080, vmId: backend, weight: 5 }],
    });
    expect(slbId).toEqual(expect.any(String));
    const found = await run('slbs.search', { id: slbId });
    expect(found.items).toEqual([expect.objectContaining({ id: slbId, name: 'web-lb', routerVmId: routerVm })]);
    expect(await run('slbs.modify', { id: slbId, name: 'web-lb-2', maxConnections: 500 })).toEqual({ accepted: true });
    expect(await run('slbs.disable', { id: slbId })).toEqual({ accepted: true });
    expect(await run('slbs.enable', { id: slbId })).toEqual({ accepted: true });
    expect(
      await run('slbs.configure_cert', {
        id: slbId,
        certificate: CERT,
        privateKey: KEY,
      }),
    ).toEqual({ accepted: true });
    const listed = JSON.stringify(await run('slbs.search', {}));
    expect(listed).not.toContain('PRIVATE KEY');
    expect(listed).not.toContain('MIIE');

    const nodes = await run('slb_nodes.search', { ip: backendIp });
    expect(nodes.items).toEqual([expect.objectContaining({ slbId, port: '8080', vmId: backend })]);
    const { id: nodeId } = await run('slb_nodes.add', { slbId, ip: backendIp, port: 8081, vmId: backend, weight: 2 });
    expect(await run('slb_nodes.modify', { id: nodeId, weight: 9 })).toEqual({ accepted: true });
    expect((await run('slb_nodes.search', { id: nodeId })).items[0]).toMatchObject({ weight: '9' });
    expect(await run('slb_nodes.delete', { id: nodeId })).toEqual({ accepted: true });
    expect(await run('slbs.delete', { id: slbId })).toEqual({ accepted: true });
    expect(await run('routers.detach_subnet', { subnetId: NETWORK_ID })).toEqual({ accepted: true });
  });
});

describe('security groups, NIC by NIC', () => {
  it('binds a NIC, lists bound NICs and the rules that apply to the VM, and unbinds it', async () => {
    const id = await runningVm('cp-sg-1');
    const [nic] = (await run('nics.search', { vmId: id })).items;
    const sg = DEMO_SECURITY_GROUP.id;
    expect(await run('security_groups.bind_nics', { securityGroupId: sg, nicIds: [nic.id] })).toEqual({
      accepted: true,
    });
    expect((await run('security_groups.search_nics', { securityGroupId: sg })).items.map((n: any) => n.id)).toContain(
      nic.id,
    );
    const { id: ruleId } = await run('security_groups.add_rule', {
      securityGroupId: sg,
      direction: 'in',
      protocol: 'tcp',
      port: '22',
      source: '10.0.0.0/8',
    });
    expect(ruleId).toEqual(expect.any(String));
    const rules = await run('security_groups.search_rules', { securityGroupIds: [sg], direction: 'in' });
    expect(rules.items).toContainEqual(expect.objectContaining({ id: ruleId, port: '22', securityGroupId: sg }));
    const vmRules = await run('security_groups.vm_rules', { vmId: id });
    expect(vmRules.items).toContainEqual(expect.objectContaining({ id: ruleId, inEffect: expect.any(String) }));
    const pending = await run('security_groups.pending_rules', { vmId: id });
    expect(pending).toEqual({ items: expect.any(Array), total: expect.toBeOneOf([null, expect.any(Number)]) });
    expect(await run('security_groups.retry_rules')).toEqual({ accepted: true });
    expect(await run('security_groups.delete_rule', { ruleId })).toEqual({ accepted: true });
    expect(await run('security_groups.unbind_nics', { securityGroupId: sg, nicIds: [nic.id] })).toEqual({
      accepted: true,
    });
    expect((await run('security_groups.search_nics', { securityGroupId: sg })).items).toEqual([]);
  });
});

describe('monitoring, quotas and the infrastructure', () => {
  it('reads every monitoring series of a VM, empty values meaning no data', async () => {
    const id = await runningVm('cp-mon-1');
    const current = await run('monitor.compute_current', { vmId: id });
    expect(current).toMatchObject({ objectId: id, cpuPercent: expect.any(String), memoryMiB: expect.any(String) });
    for (const name of ['monitor.compute_history', 'monitor.disk_history', 'monitor.net_history'])
      expect((await run(name, { vmId: id, lineType: 'hour' })).items.length, name).toBeGreaterThan(0);
    const disks = await run('monitor.disk_current', { vmId: id });
    expect(disks.items[0]).toMatchObject({ objectId: id, diskId: expect.any(String) });
    const nics = await run('monitor.net_current', { vmId: id });
    expect(nics.items[0]).toMatchObject({ objectId: id, nicId: expect.any(String), nicMac: expect.any(String) });
    const batch = await run('monitor.compute_currents', { objectType: 'vm', ids: [id] });
    expect(batch.items).toEqual([expect.objectContaining({ objectId: id })]);
  });

  it('reads the pool quota, sets a tenant quota and reads what is usable of it', async () => {
    expect(await run('quotas.pool')).toEqual({
      cpu: DEMO_POOL.cpu,
      memoryMiB: DEMO_POOL.memory,
      storageGiB: DEMO_POOL.storage,
      externalIps: DEMO_POOL.ip,
    });
    await run('quotas.modify', {
      tenantId: DEMO_TENANT.id,
      cpu: 100,
      memoryMiB: 204800,
      storageGiB: 3000,
      externalIps: 5,
      subnets: 6,
    });
    const usable = await run('quotas.usable', { tenantId: DEMO_TENANT.id });
    expect(usable.quota).toMatchObject({ cpu: 100, memoryMiB: 204800, storageGiB: 3000, externalIps: 5, subnets: 6 });
    expect(usable.available.cpu).toBeLessThanOrEqual(100);
  });

  it('lists hosts with their state named, alarms paged or all, and storage pools', async () => {
    const hosts = await run('hosts.search', {});
    expect(hosts.items.map((x: any) => [x.id, x.stateName])).toEqual(
      expect.arrayContaining(DEMO_HOSTS.map((x) => [x.id, x.state === '1' ? 'running' : 'offline'])),
    );
    expect((await run('hosts.search', { id: DEMO_HOSTS[0].id })).items).toHaveLength(1);
    const all = await run('alarms.search', { all: true });
    const first = await run('alarms.search', { page: 1, pageSize: 1 });
    expect(all.items.length).toBeGreaterThan(0);
    expect(first.items).toHaveLength(1);
    const storages = await run('storages.search', {});
    expect(storages.items.map((s: any) => s.id).sort()).toEqual(DEMO_STORAGES.map((s) => s.id).sort());
  });
});
