/**
 * Native group scaling against the simulator over HTTP: a Cloudplane template is one broker
 * template; expand is the broker's own N-machine call under the engine's request id; shrink is
 * the batch delete of members.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MachineSpec } from '../../../src/domain/machine-spec.ts';
import { ProviderError, type GroupInput } from '../../../src/providers/contract.ts';
import type { Provider } from '../../../src/providers/registry.ts';
import {
  DEMO_ALIYUN_TEMPLATE_ID,
  DEMO_PHYDEV,
  DEMO_PHYSICAL_TEMPLATE_ID,
} from '../../../src/providers/legacy-cluster/simulator-demo.ts';
import { ALIYUN, DELAYS, capturingLogger, startLegacy, OPTIONS, type LegacyHarness } from './harness.ts';

let h: LegacyHarness;
let p: Provider;

const spec = MachineSpec.parse({
  zone: ALIYUN.zoneId,
  instanceType: '1Core-1GB',
  image: ALIYUN.imageId,
  network: { vpcId: ALIYUN.vpcId, subnetId: ALIYUN.subnetId, securityGroupIds: [ALIYUN.securityGroupId] },
  login: { keyName: 'ops-key' },
  dataDisks: [{ sizeGiB: 50, category: 'cloud_ssd' }],
});
const input = (over: Partial<GroupInput> = {}): GroupInput => ({
  name: 'web-tier',
  namePrefix: 'web',
  spec,
  tags: { 'cloudplane-template': 'tpl-1' },
  ...over,
});

async function rejection(promise: Promise<unknown>): Promise<ProviderError> {
  const err = await promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ProviderError);
  return err as ProviderError;
}

beforeAll(async () => {
  h = await startLegacy();
  p = h.provider().provider;
});
afterAll(() => h.close());
beforeEach(() => h.reset());

describe('templates as groups', () => {
  it('makes a broker template from the unified spec', async () => {
    const { groupId } = await p.createGroup(input());
    expect(groupId).toMatch(/^\d+$/);
    expect(await p.runOperation('templates.get', { templateId: groupId })).toMatchObject({
      name: 'web-tier',
      provider: 'aliyun',
      cpu: 1,
      ramGiB: 1,
      imageId: ALIYUN.imageId,
      keyName: 'ops-key',
      region: ALIYUN.regionId,
      zone: ALIYUN.zoneId,
      vpcId: ALIYUN.vpcId,
      subnetId: ALIYUN.subnetId,
      securityGroupId: ALIYUN.securityGroupId,
      internetChargeType: ALIYUN.internetChargeType,
      internetMaxBandwidthOut: 0,
      systemDiskCategory: ALIYUN.diskCategory,
      dataDisk: { sizeGiB: 50, count: 1, category: 'cloud_ssd' },
      deleted: false,
    });
    expect(await h.counts()).toMatchObject({ 'cluster.create': 1 });
  });

  it('keeps a template in step when nothing the broker holds changed, a rename included', async () => {
    const { groupId } = await p.createGroup(input());
    await p.updateGroup(groupId, input());
    await p.updateGroup(groupId, input({ name: 'web-tier-renamed', tags: { other: 'tag' } }));
    // Reads only: the broker has no update call.
    expect(Object.keys(await h.counts()).sort()).toEqual(['cluster.create', 'cluster.get']);
  });

  it('refuses an update the broker cannot make, naming the fields that differ', async () => {
    const { groupId } = await p.createGroup(input());
    const changed = { ...spec, image: 'm-2zefnwiq237sjwnt7oez', dataDisks: [{ sizeGiB: 80, category: 'cloud_ssd' }] };
    const err = await rejection(p.updateGroup(groupId, input({ spec: changed })));
    expect(err.kind).toBe('conflict');
    expect(err.providerMessage).toMatch(/ImageId, DataDiskSize$/);
  });

  it('deletes a template, and a second delete of it resolves', async () => {
    const { groupId } = await p.createGroup(input());
    await p.deleteGroup(groupId);
    expect((await rejection(p.updateGroup(groupId, input()))).kind).toBe('not_found');
    await p.deleteGroup(groupId);
  });
});

describe('expand', () => {
  it('sends one expand for N machines under the request id and reports the machines it names', async () => {
    const { groupId } = await p.createGroup(input());
    await h.clearCalls();
    const accepted = await p.expandGroup({ groupId, count: 3, requestId: 'task-7:1' });
    expect(accepted.jobId).toBeNull();
    expect(accepted.instanceIds).toHaveLength(3);
    const calls = await h.recent();
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      `GET /v1/cluster/${groupId}`,
      `POST /v1/cluster/${groupId}/expand/3`,
    ]);
    expect(calls[1]!.fields).toEqual({ correlationId: 'task-7:1' });
    // 1. Members at once, coming up; 2. running after the boot.
    const members = await p.listGroupMembers(groupId);
    expect(members.map((m) => m.providerId).sort()).toEqual([...accepted.instanceIds].sort());
    expect(members.every((m) => m.status !== 'running')).toBe(true);
    await h.advance(DELAYS.bootMs);
    expect((await p.listGroupMembers(groupId)).map((m) => m.status)).toEqual(['running', 'running', 'running']);
    expect(members[0]).toMatchObject({ region: ALIYUN.regionId, zone: ALIYUN.zoneId, image: ALIYUN.imageId });
  });

  it('writes the correlation id on the log line of the call that carried it', async () => {
    const { logger, lines } = capturingLogger();
    const logged = h.provider(OPTIONS, {}, logger).provider;
    await logged.expandGroup({ groupId: String(DEMO_ALIYUN_TEMPLATE_ID), count: 1, requestId: 'task-9:2' });
    const calls = lines.filter((l) => l.msg === 'provider call');
    const expand = calls.filter((l) => l.operation === 'groups.expand');
    // The template read and then the expand; only the expand carries a correlation id.
    expect(expand.map((l) => l.method)).toEqual(['GET', 'POST']);
    expect(expand[1]).toMatchObject({ correlationId: 'task-9:2', outcome: '200' });
    expect(calls.filter((l) => l.correlationId !== undefined)).toHaveLength(1);
  });

  it('leaves machines of an expand whose answer was lost findable by membership and by its correlation id', async () => {
    const { groupId } = await p.createGroup(input());
    await h.fault({ op: 'cluster.expand', kind: 'lost_answer', times: 1 });
    const err = await rejection(p.expandGroup({ groupId, count: 2, requestId: 'task-8:1' }));
    expect(err.kind).toBe('unavailable');
    // Never re-sent: a second expand would make two more machines.
    expect((await h.counts())['cluster.expand']).toBe(1);
    const members = await p.listGroupMembers(groupId);
    expect(members).toHaveLength(2);
    for (const m of members) {
      const { log } = (await p.runOperation('logs.get', { correlationId: 'task-8:1', instanceId: m.providerId })) as {
        log: unknown[];
      };
      expect(log.length).toBeGreaterThan(0);
    }
  });

  it('refuses to expand a deleted template or the registered-machine template, sending no expand', async () => {
    const { groupId } = await p.createGroup(input());
    await p.deleteGroup(groupId);
    expect((await rejection(p.expandGroup({ groupId, count: 1, requestId: 'r-1' }))).kind).toBe('not_found');
    const phys = String(DEMO_PHYSICAL_TEMPLATE_ID);
    expect((await rejection(p.expandGroup({ groupId: phys, count: 1, requestId: 'r-2' }))).kind).toBe('invalid');
    expect((await rejection(p.expandGroup({ groupId, count: 0, requestId: 'r-3' }))).kind).toBe('invalid');
    expect((await rejection(p.expandGroup({ groupId, count: 1, requestId: 'bad id' }))).kind).toBe('invalid');
    expect((await h.counts())['cluster.expand']).toBeUndefined();
  });
});

describe('shrink', () => {
  it('deletes the named members in one batch call under the request id, and only members', async () => {
    const { groupId } = await p.createGroup(input());
    const { instanceIds } = await p.expandGroup({ groupId, count: 3, requestId: 'task-1:1' });
    await h.advance(DELAYS.bootMs);
    await h.clearCalls();
    const [a, b, c] = instanceIds as [string, string, string];
    expect(
      await p.shrinkGroup({ groupId, instanceIds: [a, b, DEMO_PHYDEV.instanceId], requestId: 'task-2:1' }),
    ).toEqual({
      jobId: null,
    });
    const deletes = (await h.recent()).filter((x) => x.method === 'DELETE');
    expect(deletes).toEqual([
      expect.objectContaining({ url: `/v1/instance/${a},${b}`, fields: { correlationId: 'task-2:1' } }),
    ]);
    await h.advance(DELAYS.deleteMs);
    expect((await p.listGroupMembers(groupId)).map((m) => m.providerId)).toEqual([c]);
    expect(await p.getInstance(DEMO_PHYDEV.instanceId)).not.toBeNull();
  });

  it('splits a large shrink into batches of 50 that share the correlation id', async () => {
    const { groupId } = await p.createGroup(input());
    const { instanceIds } = await p.expandGroup({ groupId, count: 60, requestId: 'task-3:1' });
    await h.clearCalls();
    await p.shrinkGroup({ groupId, instanceIds, requestId: 'task-3:2' });
    const deletes = (await h.recent()).filter((x) => x.method === 'DELETE');
    expect(deletes.map((d) => d.url.split('/').at(-1)!.split(',').length)).toEqual([50, 10]);
    expect(new Set(deletes.map((d) => d.fields?.correlationId))).toEqual(new Set(['task-3:2']));
    await h.advance(DELAYS.deleteMs);
    expect(await p.listGroupMembers(groupId)).toEqual([]);
  });

  it('sends a batch again one machine at a time when the broker refuses it for one machine gone meanwhile', async () => {
    const { groupId } = await p.createGroup(input());
    const { instanceIds } = await p.expandGroup({ groupId, count: 2, requestId: 'task-5:1' });
    await h.clearCalls();
    // A member deleted between the membership read and the batch: the broker refuses the whole batch.
    await h.fault({
      op: 'instance.delete',
      kind: 'refuse',
      code: '12997',
      message: 'QuerySeter no row found',
      times: 1,
    });
    await p.shrinkGroup({ groupId, instanceIds, requestId: 'task-5:2' });
    const deletes = (await h.recent()).filter((x) => x.method === 'DELETE').map((x) => x.url);
    expect(deletes).toEqual([
      `/v1/instance/${instanceIds.join(',')}`,
      ...instanceIds.map((id) => `/v1/instance/${id}`),
    ]);
    await h.advance(DELAYS.deleteMs);
    expect(await p.listGroupMembers(groupId)).toEqual([]);
  });

  it('sends nothing when no named machine is a member any more', async () => {
    const { groupId } = await p.createGroup(input());
    await h.clearCalls();
    await p.shrinkGroup({ groupId, instanceIds: ['i-gone1', 'i-gone2'], requestId: 'task-4:1' });
    expect(await h.counts()).toEqual({ 'instance.list_cluster': 1 });
  });
});
