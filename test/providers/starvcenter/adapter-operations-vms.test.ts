/**
 * The catalogued operations of VMs, the model dictionary, tenants, disks, NICs, backups and
 * snapshots, run through the account's provider (runOperation) against the simulator.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MachineSpec } from '../../../src/domain/machine-spec.ts';
import type { Provider } from '../../../src/providers/registry.ts';
import { DEMO_MODELS, DEMO_STORAGES } from '../../../src/providers/starvcenter/simulator.ts';
import { DELAYS, NETWORK_ID, startStarVCenter, type StarHarness } from './harness.ts';

let h: StarHarness;
let p: Provider;
const run = (name: string, input: Record<string, unknown> = {}) => p.runOperation(name, input) as Promise<any>;

async function runningVm(name: string, image = 'model:centos-7-9'): Promise<string> {
  const spec = MachineSpec.parse({ instanceType: 'c2m4096', image });
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

describe('model dictionary and tenants', () => {
  it('lists the models by type, adds a type and a model that become an image, and deletes them', async () => {
    const { types } = await run('models.list');
    expect(types.flatMap((t: any) => t.models.map((m: any) => m.code)).sort()).toEqual(
      DEMO_MODELS.map((m) => m.code).sort(),
    );
    const type = await run('models.add', { type: 'tenant_type', label: '消息队列', value: 'tenant_mq_model' });
    const model = await run('models.add', {
      type: 'tenant_mq_model',
      label: 'RABBITMQ_3_12',
      value: 'rabbitmq-3-12',
      description: '消息队列云主机型号',
    });
    expect(type.id).toEqual(expect.any(String));
    expect(model.id).toEqual(expect.any(String));
    expect((await p.listImages()).map((i) => i.id)).toContain('model:rabbitmq-3-12');
    expect(await run('models.delete', { id: model.id })).toEqual({ accepted: true });
    expect((await p.listImages()).map((i) => i.id)).not.toContain('model:rabbitmq-3-12');
    await run('models.delete', { id: type.id });
  });

  it('creates a tenant and answers its id', async () => {
    expect(await run('tenants.create', { name: 'team-b', cpuQuota: 8, memoryQuotaMiB: 16384 })).toEqual({
      id: expect.any(String),
    });
  });
});

describe('VM operations', () => {
  it('searches VMs with the filters the unified list lacks', async () => {
    const id = await runningVm('cp-search-1');
    const byState = await run('vms.search', { state: '1' });
    expect(byState.items.map((v: any) => v.id)).toContain(id);
    const page = await run('vms.search', { name: 'cp-search', page: 1, pageSize: 1 });
    expect(page.items).toEqual([expect.objectContaining({ id, name: 'cp-search-1', state: '1', vcpus: '2' })]);
    expect(page.total).toBe(1);
  });

  it('powers off, shuts down and wakes the agent, each answering its platform job id', async () => {
    const id = await runningVm('cp-ops-power');
    expect(await run('vms.power_off', { vmId: id })).toEqual({ accepted: true, startId: expect.any(String) });
    await h.advance(DELAYS.stopMs);
    expect(await p.getInstance(id)).toMatchObject({ status: 'stopped' });
    await p.startInstance(id);
    await h.advance(DELAYS.startMs);
    expect(await run('vms.wake_agent', { vmId: id })).toMatchObject({ accepted: true });
    await h.advance(DELAYS.rebootMs);
    expect(await run('vms.shutdown', { vmId: id })).toMatchObject({ accepted: true, startId: expect.any(String) });
    await h.advance(DELAYS.stopMs);
    expect(await p.getInstance(id)).toMatchObject({ statusRaw: '0' });
  });

  it('renames, describes and shows the connection of a VM', async () => {
    const id = await runningVm('cp-ops-modify');
    expect(await run('vms.modify', { vmId: id, name: 'cp-renamed', description: '前端' })).toEqual({ accepted: true });
    expect(await p.getInstance(id)).toMatchObject({ name: 'cp-renamed', providerData: { 'vm.desc': '前端' } });
    const conn = await run('vms.connection', { vmId: id });
    expect(conn).toEqual({ consoleUrl: expect.any(String), hostIp: expect.any(String), vncPort: expect.any(String) });
  });

  it('sets passwords without ever answering one', async () => {
    const id = await runningVm('cp-ops-pwd');
    const out = [
      await run('vms.set_admin_password', { vmId: id, password: 'N3w!pass' }),
      await run('vms.set_vnc_password', { vmId: id, password: 'vnc-pass' }),
      await run('vms.reset_vnc_password', { vmId: id }),
    ];
    expect(out[0]).toMatchObject({ accepted: true });
    expect(out.slice(1)).toEqual([{ accepted: true }, { accepted: true }]);
    expect(JSON.stringify(out)).not.toMatch(/N3w!pass|vnc-pass/);
  });

  it('resizes CPU and memory, which the VM then reports', async () => {
    const id = await runningVm('cp-ops-resize');
    await run('vms.set_cpu', { vmId: id, vcpus: 4 });
    await h.advance(DELAYS.jobMs);
    await run('vms.set_memory', { vmId: id, memoryMiB: 8192 });
    await h.advance(DELAYS.jobMs);
    expect(await p.getInstance(id)).toMatchObject({ instanceType: 'c4m8192' });
  });

  it('switches the guest firewall', async () => {
    const id = await runningVm('cp-ops-fw');
    expect(await run('vms.switch_firewall', { vmId: id, enabled: true })).toEqual({ accepted: true });
    expect(await run('vms.switch_firewall', { vmId: id, enabled: false })).toEqual({ accepted: true });
  });
});

describe('disks and NICs', () => {
  it('adds, lists, extends and deletes a disk', async () => {
    const id = await runningVm('cp-ops-disk');
    const added = await run('disks.add', { vmId: id, sizeGiB: 100, description: 'data' });
    expect(added).toEqual({
      accepted: true,
      startId: expect.any(String),
      diskId: expect.any(String),
      deviceName: expect.any(String),
    });
    await h.advance(DELAYS.jobMs);
    const listed = await run('disks.search', { vmId: id });
    expect(listed.items).toContainEqual(expect.objectContaining({ id: added.diskId, sizeGiB: '100', vmId: id }));
    await run('disks.extend', { diskId: added.diskId, sizeGiB: 200 });
    await h.advance(DELAYS.jobMs);
    expect((await run('disks.search', { vmId: id })).items).toContainEqual(
      expect.objectContaining({ id: added.diskId, sizeGiB: '200' }),
    );
    expect(await run('disks.delete', { diskId: added.diskId })).toMatchObject({ accepted: true });
    await h.advance(DELAYS.jobMs);
    expect((await run('disks.search', { vmId: id })).items.map((d: any) => d.id)).not.toContain(added.diskId);
  });

  it('creates a PVC disk on Ceph without passing on the Ceph key', async () => {
    const ceph = DEMO_STORAGES.find((s) => s.type === 'CEPH')!;
    const out = await run('disks.create_pv', { name: 'pvc-1', sizeGiB: 10, storageId: ceph.id, useType: 'volume' });
    expect(out.disks).toEqual([{ id: expect.any(String), poolName: expect.any(String), monitor: expect.any(String) }]);
    expect(JSON.stringify(out)).not.toMatch(/key/i);
  });

  it('lists NICs and adds one on another network', async () => {
    const id = await runningVm('cp-ops-nic');
    const before = await run('nics.search', { vmId: id });
    expect(before.items).toEqual([
      expect.objectContaining({ vmId: id, networkId: NETWORK_ID, ipAddress: expect.any(String) }),
    ]);
    const { nicId } = await run('nics.add', { vmId: id, networkId: 'pg-demo-db' });
    expect(nicId).toEqual(expect.any(String));
    expect((await run('nics.search', { vmId: id })).items.map((n: any) => n.id)).toContain(nicId);
  });
});

describe.each(['backups', 'snapshots'])('%s', (family) => {
  it('creates one that turns usable, describes, restores and deletes it', async () => {
    const id = await runningVm(`cp-ops-${family}`);
    const made = await run(`${family}.create`, { vmId: id, name: 'nightly', description: 'before upgrade' });
    expect(made).toEqual({ accepted: true, startId: expect.any(String), id: expect.any(String) });
    await h.advance(DELAYS.jobMs);
    const listed = await run(`${family}.list`, { vmId: id });
    expect(listed.items).toContainEqual(
      expect.objectContaining({ id: made.id, name: 'nightly', vmId: id, usable: 'true' }),
    );
    expect(await run(`${family}.modify`, { id: made.id, description: 'kept' })).toEqual({ accepted: true });
    expect((await run(`${family}.list`, { vmId: id })).items[0]).toMatchObject({ description: 'kept' });
    expect(await run(`${family}.restore`, { id: made.id })).toMatchObject({
      accepted: true,
      startId: expect.any(String),
    });
    await h.advance(DELAYS.jobMs);
    expect(await run(`${family}.delete`, { id: made.id })).toEqual({ accepted: true });
    expect((await run(`${family}.list`, { vmId: id })).items).toEqual([]);
  });
});
