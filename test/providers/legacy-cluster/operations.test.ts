/**
 * The typed operations beyond the unified model, run against the simulator through the account's
 * adapter, and the claim that with the unified methods they reach all 32 operations of the
 * document.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MachineSpec } from '../../../src/domain/machine-spec.ts';
import { legacyOperations, REACHABLE } from '../../../src/providers/legacy-cluster/index.ts';
import { DEMO_ALIYUN_TEMPLATE_ID, DEMO_PLACEMENT } from '../../../src/providers/legacy-cluster/simulator-demo.ts';
import type { Provider } from '../../../src/providers/registry.ts';
import { ALIYUN, DELAYS, startLegacy, type LegacyHarness } from './harness.ts';

let h: LegacyHarness;
let p: Provider;
const spec = MachineSpec.parse({ zone: ALIYUN.zoneId, instanceType: '1Core-1GB', image: ALIYUN.imageId });

async function machine(): Promise<string> {
  const { jobId } = await p.createInstance({ name: 'x', spec, tags: {} });
  await h.advance(DELAYS.bootMs);
  return (await p.getJob(jobId!)).instanceIds[0]!;
}

beforeAll(async () => {
  h = await startLegacy();
  p = h.provider().provider;
});
afterAll(() => h.close());
beforeEach(() => h.reset());

describe('the catalog of operations', () => {
  it('publishes unique names, each with JSON Schemas for its input and output', () => {
    const names = legacyOperations.map((o) => o.name);
    expect(new Set(names).size).toBe(names.length);
    for (const op of legacyOperations) {
      expect(z.toJSONSchema(op.input, { io: 'input', unrepresentable: 'any' })).toHaveProperty('type', 'object');
      expect(z.toJSONSchema(op.output, { unrepresentable: 'any' })).toHaveProperty('type', 'object');
    }
  });

  it('names a way to every one of the 32 operations of the document', () => {
    expect(
      Object.keys(REACHABLE)
        .map(Number)
        .sort((a, b) => a - b),
    ).toEqual(Array.from({ length: 32 }, (_, i) => i + 1));
  });

  it('reaches all 32 operations over the wire', async () => {
    const id = await machine();
    const { groupId } = await p.createGroup({ name: 'g', namePrefix: 'g', spec, tags: {} });
    await p.expandGroup({ groupId, count: 1, requestId: 'reach-1' });
    await Promise.all([
      p.listRegions(),
      p.listZones(),
      p.listVpcs(),
      p.listSubnets({ vpcId: ALIYUN.vpcId }),
      p.listInstanceTypes(),
      p.listImages(),
      p.listSecurityGroups({}),
      p.listInstances({}),
      p.listGroupMembers(groupId),
      p.getInstance(id),
      p.startInstance(id),
    ]);
    const ip = await keyedAddress(id);
    const inputs: Record<string, unknown> = {
      'templates.get': { templateId: groupId },
      'machines.counts': { hours: 2 },
      'machines.counts_at': { time: '2017-08-02 17:52:29' },
      'instances.status': { instanceId: id },
      'instances.set_status': { instanceId: id, status: 7 },
      'sshkeys.download': { ip },
      'sshkeys.upload': { instanceId: id },
      'logs.get': { correlationId: 'reach-1', instanceId: id },
      'logs.by_instance': { instanceId: id },
      'machines.upload_info': uploadInput,
      'machines.register': { machines: [{ publicIp: '101.1.2.160', privateIp: '1.11.1.160', password: 'pw-1234567' }] },
      'openstack.configure': { ip: '127.0.0.1', port: 26018, userName: 'root', password: 'os-secret-1' },
    };
    for (const op of legacyOperations) await p.runOperation(op.name, inputs[op.name] ?? {});
    await p.deleteInstance(id);
    await p.deleteGroup(groupId);
    expect(Object.keys(await h.counts())).toHaveLength(32);
  });
});

/** An address the broker holds a private key for: the key put on the machine (op 15) is kept by its IP. */
async function keyedAddress(id: string): Promise<string> {
  await p.runOperation('sshkeys.upload', { instanceId: id });
  const m = (await p.getInstance(id))!;
  for (const ip of [...m.publicIps, ...m.privateIps]) {
    const ok = await p.runOperation('sshkeys.download', { ip }).then(
      () => true,
      () => false,
    );
    if (ok) return ip;
  }
  throw new Error('the broker holds no key for any address of the machine');
}

const uploadInput = {
  instanceType: ALIYUN.instanceType,
  imageId: ALIYUN.imageId,
  zone: ALIYUN.zoneId,
  systemDiskCategory: ALIYUN.diskCategory,
  dataDisk: { sizeGiB: 100, count: 1, category: ALIYUN.diskCategory },
};

describe('operations', () => {
  it('lists the backends, templates and the catalog values the unified model has no place for', async () => {
    expect(await p.runOperation('providers.list', {})).toEqual({ providers: ['aliyun', 'aws', 'openstack'] });
    const { templates } = (await p.runOperation('templates.list', {})) as { templates: Array<{ id: number }> };
    expect(templates.map((t) => t.id)).toContain(DEMO_ALIYUN_TEMPLATE_ID);
    expect(await p.runOperation('catalog.charge_types', {})).toEqual({
      provider: 'aliyun',
      values: ['PayByBandwidth', 'PayByTraffic'],
    });
    expect(await p.runOperation('catalog.disk_categories', { provider: 'aws' })).toMatchObject({
      provider: 'aws',
      values: expect.arrayContaining([DEMO_PLACEMENT.aws.diskCategory]),
    });
  });

  it('reads machine counts with numbers for the strings the broker sends', async () => {
    await machine();
    const { samples } = (await p.runOperation('machines.counts', { hours: 3 })) as {
      samples: Array<{ time: string; total: number; byProvider: Record<string, number> }>;
    };
    const last = samples.at(-1)!;
    expect(last.time).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(last.total).toBe(Object.values(last.byProvider).reduce((a, b) => a + b, 0));
    expect(last.byProvider.aliyun).toBeGreaterThanOrEqual(1);
    const at = (await p.runOperation('machines.counts_at', { time: last.time })) as { sample: unknown };
    expect(at.sample).toMatchObject({ time: last.time, total: expect.any(Number) });
  });

  it("writes a machine's status and reads it back through the status call", async () => {
    const id = await machine();
    expect(await p.runOperation('instances.set_status', { instanceId: id, status: 1 })).toEqual({ updated: 1 });
    expect(await p.runOperation('instances.status', { instanceId: id })).toMatchObject({
      items: [{ instanceId: id, statusRaw: '1' }],
    });
  });

  it('never returns a private key, only its digest', async () => {
    const id = await machine();
    const ip = await keyedAddress(id);
    const out = (await p.runOperation('sshkeys.download', { ip })) as Record<string, unknown>;
    expect(out).toEqual({ ip, sha256: expect.stringMatching(/^[0-9a-f]{64}$/), bytes: expect.any(Number) });
    expect(JSON.stringify(out)).not.toMatch(/PRIVATE KEY/);
    const up = (await p.runOperation('sshkeys.upload', { instanceId: id })) as { publicKey: string | null };
    expect(up.publicKey === null || /^ssh-|^ecdsa-/.test(up.publicKey)).toBe(true);
  });

  it('finds the logs written under a correlation id', async () => {
    const { instanceIds } = await p.expandGroup({
      groupId: String(DEMO_ALIYUN_TEMPLATE_ID),
      count: 1,
      requestId: 'logs-1',
    });
    const one = (await p.runOperation('logs.get', { correlationId: 'logs-1', instanceId: instanceIds[0] })) as {
      log: unknown[];
    };
    expect(one.log.length).toBeGreaterThan(0);
    expect(JSON.stringify(one.log)).toContain(instanceIds[0]);
    const none = (await p.runOperation('logs.get', { correlationId: 'other', instanceId: instanceIds[0] })) as {
      log: unknown[];
    };
    expect(none.log).toEqual([]);
    const all = (await p.runOperation('logs.by_instance', { instanceId: instanceIds[0] })) as { log: unknown[] };
    expect(all.log.length).toBeGreaterThanOrEqual(one.log.length);
  });

  it('registers own machines under a correlation id with write-only passwords', async () => {
    const out = await p.runOperation('machines.register', {
      machines: [{ publicIp: '101.1.2.170', privateIp: '1.11.1.170', password: 'reg-secret-9' }],
      correlationId: 'reg-1',
    });
    expect(out).toEqual({ correlationId: 'reg-1', registered: 1, failed: 0, errors: [] });
    const call = (await h.recent()).find((c) => c.method === 'POST' && c.url === '/v1/instance/phydev')!;
    expect(call.fields).toEqual({ correlationId: 'reg-1' });
    const members = await p.listGroupMembers('4');
    expect(members.map((m) => m.publicIps[0])).toContain('101.1.2.170');
    expect(JSON.stringify(members)).not.toContain('reg-secret-9');
    const logs = await p.runOperation('logs.by_instance', { instanceId: members.at(-1)!.providerId });
    expect(JSON.stringify(logs)).not.toContain('reg-secret-9');
  });

  it("uploads a machine's info and sets the OpenStack connection without echoing its password", async () => {
    const uploaded = (await p.runOperation('machines.upload_info', uploadInput)) as { instance: unknown };
    expect(uploaded.instance === null || typeof uploaded.instance === 'object').toBe(true);
    const out = await p.runOperation('openstack.configure', {
      ip: '10.0.0.5',
      port: 5000,
      userName: 'admin',
      password: 'os-secret-2',
    });
    expect(out).toEqual({ ip: '10.0.0.5', port: '5000', userName: 'admin', configured: true });
    expect(JSON.stringify(out)).not.toContain('os-secret-2');
  });

  it('refuses an input its schema does not accept, before any call', async () => {
    await expect(p.runOperation('machines.counts', { hours: 0 })).rejects.toThrow();
    await expect(p.runOperation('instances.status', { instanceId: 'list' })).rejects.toThrow(/reserved route/);
    await expect(p.runOperation('no.such.operation', {})).rejects.toThrow(/no operation/);
    expect(await h.counts()).toEqual({});
  });
});
