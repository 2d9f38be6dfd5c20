/** BridgX's documented operations beyond the unified model, run through the adapter against the simulator. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MachineSpec } from '../../../src/domain/machine-spec.ts';
import type { Provider } from '../../../src/providers/registry.ts';
import { bridgxOperations } from '../../../src/providers/bridgx/index.ts';
import { DEMO_IMAGE, DEMO_NETWORK } from '../../../src/providers/bridgx/simulator.ts';
import { PASSWORD, startBridgx, type BridgxHarness } from './harness.ts';

let h: BridgxHarness;
let p: Provider;
let taskId: string;

const run = (name: string, input: unknown) => p.runOperation(name, input) as Promise<any>;

beforeAll(async () => {
  h = await startBridgx({ timing: { taskStartMs: 0 }, config: { delays: { bootMs: 0, deleteMs: 0 } } });
  p = h.provider().provider;
  const spec = MachineSpec.parse({ instanceType: 'ecs.n1.tiny', image: DEMO_IMAGE, login: { password: PASSWORD } });
  await p.createGroup({ name: 'cp-ops', namePrefix: 'cp', spec, tags: {} });
  taskId = (await p.expandGroup({ groupId: 'cp-ops', count: 2, requestId: 'ops-1' })).jobId!;
  await p.listGroupMembers('cp-ops');
});
afterAll(() => h.close());

describe('typed operations', () => {
  it('publishes unique names, each with input and output schemas, the first taking an empty input', () => {
    const names = bridgxOperations.map((o) => o.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(
      expect.arrayContaining([
        'clusters.list',
        'tasks.list',
        'tasks.find',
        'instances.count',
        'usage.total',
        'usage.statistics',
        'network_config.template',
        'network_config.create',
        'security_groups.rules',
      ]),
    );
    expect(bridgxOperations[0]!.input.safeParse({}).success).toBe(true);
    expect(p.definition.operations).toBe(bridgxOperations);
  });

  it('lists clusters and tasks with exact task ids, and finds a task by id or name', async () => {
    const clusters = await run('clusters.list', { pageSize: 5 });
    expect(clusters).toMatchObject({
      total: 1,
      pageNumber: 1,
      pageSize: 5,
      clusters: [{ name: 'cp-ops', quota: '2/200' }],
    });
    expect(clusters.clusters[0].createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    const tasks = await run('tasks.list', {});
    expect(tasks.tasks).toEqual([
      expect.objectContaining({
        taskId,
        action: 'EXPAND',
        status: 'SUCCESS',
        unifiedStatus: 'succeeded',
        cluster: 'cp-ops',
      }),
    ]);
    expect((await run('tasks.find', { taskId })).task.name).toBe('cloudplane-expand-2-ops-1');
    expect((await run('tasks.find', { taskName: 'cloudplane-expand-2-ops-1' })).task.taskId).toBe(taskId);
    expect(await run('tasks.find', { taskName: 'nothing' })).toEqual({ task: null });
    await expect(run('tasks.find', {})).rejects.toThrow();
  });

  it('counts running machines and reads a day of usage', async () => {
    expect(await run('instances.count', { cluster: 'cp-ops' })).toEqual({ count: 2 });
    await h.advance(60_000);
    const day = new Date(Date.parse('2026-03-10T02:00:00Z')).toISOString().slice(0, 10);
    const total = await run('usage.total', { date: day });
    expect(total.seconds).toBeGreaterThanOrEqual(120);
    const detail = await run('usage.statistics', { date: day, cluster: 'cp-ops' });
    expect(detail.total).toBe(2);
    expect(detail.records.map((r: { cluster: string }) => r.cluster)).toEqual(['cp-ops', 'cp-ops']);
    await expect(run('usage.total', { date: '10/03/2026' })).rejects.toThrow();
  });

  it('reads the network template and creates a VPC, switch and group in one call', async () => {
    const template = await run('network_config.template', {});
    expect(template.rules.length).toBeGreaterThan(0);
    expect(template.rules[0]).toMatchObject({ portFrom: expect.any(Number), portTo: expect.any(Number) });
    const { vpcId } = await run('network_config.create', {
      cidr: '10.70.0.0/16',
      vpcName: 'cp-one-call',
      switchCidr: '10.70.1.0/24',
      switchName: 'cp-one-call-sw',
      securityGroupName: 'cp-one-call-sg',
    });
    expect(vpcId).toMatch(/^vpc-/);
    expect((await p.listSubnets({ vpcId })).map((s) => s.name)).toEqual(['cp-one-call-sw']);
    expect((await p.listSecurityGroups({ vpcId })).map((g) => g.name)).toEqual(['cp-one-call-sg']);
  });

  it("shows a group's rules as BridgX writes them", async () => {
    const rules = await run('security_groups.rules', { securityGroupId: DEMO_NETWORK.securityGroupId });
    expect(rules).toMatchObject({ id: DEMO_NETWORK.securityGroupId, name: DEMO_NETWORK.securityGroupName });
    expect(rules.rules.length).toBeGreaterThan(0);
    expect(rules.rules[0]).toHaveProperty('portRange');
  });

  it('refuses an unknown operation name', async () => {
    await expect(run('clusters.delete', {})).rejects.toThrow(/no operation/);
  });
});
