/**
 * Documented BridgX operations beyond the unified model (DESIGN "Provider operations"), each
 * with a zod input and output, run through the same client (token, envelope, exact ids,
 * validation). Outputs are camelCase; BridgX's field names stay in this folder. Covered here:
 * cluster list (#2), network config create and template (#9, #15), security group detail with
 * its peers (#18), task list and lookup (#21), machine count (#24), usage total and detail (#25, #26).
 */
import { z } from 'zod';
import type { BridgxClient } from './client.ts';
import { Day, define, get, iso, Paging } from './operation-kit.ts';
import { networkOperations } from './operations-network.ts';
import { findTask } from './tasks.ts';
import { toTaskStatus } from './statuses.ts';
import {
  WireClusterList,
  WireMachineCount,
  WireTaskList,
  WireUsageList,
  WireUsageTotal,
  type WireTask,
} from './wire.ts';

const Task = z.object({
  taskId: z.string().describe('Decimal string; may exceed 2^53'),
  name: z.string(),
  action: z.string(),
  status: z.string(),
  unifiedStatus: z.string(),
  cluster: z.string(),
  createdAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  executeSeconds: z.number().nullable(),
});
const toTask = (t: WireTask): z.infer<typeof Task> => ({
  taskId: t.task_id,
  name: t.task_name,
  action: t.task_action,
  status: t.status,
  unifiedStatus: toTaskStatus(t.status, iso(t.finish_at) !== null),
  cluster: t.cluster_name,
  createdAt: iso(t.create_at),
  finishedAt: iso(t.finish_at),
  executeSeconds: t.execute_time ?? null,
});

const Page = z.object({ total: z.number().int(), pageNumber: z.number().int(), pageSize: z.number().int() });
const pageOut = (
  p: { total: number; page_number?: number | undefined; page_size?: number | undefined },
  n: number,
  s: number,
) => ({
  total: p.total,
  pageNumber: p.page_number ?? n,
  pageSize: p.page_size ?? s,
});

export const bridgxOperations = [
  define({
    name: 'clusters.list',
    summary: "Lists the account's clusters (cluster/describe_all); `allAccounts` lists the whole organization's.",
    input: z.object({ ...Paging, allAccounts: z.boolean().default(false) }),
    output: Page.extend({
      clusters: z.array(
        z.object({
          clusterId: z.string().nullable(),
          name: z.string(),
          cloud: z.string(),
          account: z.string(),
          createdAt: z.string().nullable(),
          createdBy: z.string(),
          quota: z.string().describe('total_remainder: used/limit'),
        }),
      ),
    }),
    async run(client, input) {
      const data = await client.data(
        get('/cluster/describe_all', 'clusters.list', {
          account: input.allAccounts ? undefined : client.options.accountKey,
          page_number: input.pageNumber,
          page_size: input.pageSize,
        }),
        WireClusterList,
      );
      return {
        ...pageOut(data.pager, input.pageNumber, input.pageSize),
        clusters: data.cluster_list.map((c) => ({
          clusterId: c.cluster_id ?? null,
          name: c.cluster_name,
          cloud: c.provider,
          account: c.account,
          createdAt: iso(c.create_at),
          createdBy: c.create_by,
          quota: c.total_remainder,
        })),
      };
    },
  }),
  define({
    name: 'tasks.list',
    summary: "Lists the account's expand and shrink tasks, newest first (task/list).",
    input: z.object(Paging),
    output: Page.extend({ tasks: z.array(Task) }),
    async run(client, input) {
      const data = await client.data(
        get('/task/list', 'tasks.list', {
          account: client.options.accountKey,
          page_number: input.pageNumber,
          page_size: input.pageSize,
        }),
        WireTaskList,
      );
      return { ...pageOut(data.pager, input.pageNumber, input.pageSize), tasks: data.task_list.map(toTask) };
    },
  }),
  define({
    name: 'tasks.find',
    summary:
      'Finds one task by id or by name in the task list (no get-by-id exists); a task Cloudplane sent is named ' +
      'cloudplane-<action>-<count>-<requestId>.',
    input: z
      .object({ taskId: z.string().regex(/^\d+$/).optional(), taskName: z.string().min(1).optional() })
      .refine((v) => (v.taskId === undefined) !== (v.taskName === undefined), 'give taskId or taskName'),
    output: z.object({ task: Task.nullable() }),
    async run(client, input) {
      const task = await findTask(client, 'operations.tasks.find', (t) =>
        input.taskId !== undefined ? t.task_id === input.taskId : t.task_name === input.taskName,
      );
      return { task: task ? toTask(task) : null };
    },
  }),
  define({
    name: 'instances.count',
    summary: "Counts the account's running machines, of one cluster if given (instance/num).",
    input: z.object({ cluster: z.string().min(1).optional() }),
    output: z.object({ count: z.number().int() }),
    async run(client, input) {
      const data = await client.data(
        get('/instance/num', 'instances.count', { account: client.options.accountKey, cluster_name: input.cluster }),
        WireMachineCount,
      );
      return { count: data.instance_num };
    },
  }),
  define({
    name: 'usage.total',
    summary: 'Machine-seconds used on one day (UTC+08:00), by one cluster or all (instance/usage_total).',
    input: z.object({ date: Day, cluster: z.string().min(1).optional() }),
    output: z.object({ date: z.string(), seconds: z.number().int() }),
    async run(client, input) {
      const data = await client.data(
        get('/instance/usage_total', 'usage.total', { date: input.date, cluster_name: input.cluster }),
        WireUsageTotal,
      );
      return { date: input.date, seconds: data.usage_total };
    },
  }),
  define({
    name: 'usage.statistics',
    summary: 'Power-on intervals of one day (UTC+08:00), one record each (instance/usage_statistics).',
    input: z.object({ date: Day, cluster: z.string().min(1).optional(), ...Paging }),
    output: Page.extend({
      records: z.array(
        z.object({
          id: z.string().nullable(),
          cluster: z.string(),
          instanceId: z.string(),
          instanceType: z.string(),
          startedAt: z.string().nullable(),
          stoppedAt: z.string().nullable(),
          seconds: z.number().int(),
        }),
      ),
    }),
    async run(client, input) {
      const data = await client.data(
        get('/instance/usage_statistics', 'usage.statistics', {
          date: input.date,
          cluster_name: input.cluster,
          page_number: input.pageNumber,
          page_size: input.pageSize,
        }),
        WireUsageList,
      );
      return {
        ...pageOut(data.pager, input.pageNumber, input.pageSize),
        records: data.instance_list.map((r) => ({
          id: r.id ?? null,
          cluster: r.cluster_name,
          instanceId: r.instance_id,
          instanceType: r.instance_type,
          startedAt: iso(r.startup_at),
          stoppedAt: iso(r.shutdown_at),
          seconds: r.startup_time,
        })),
      };
    },
  }),
  ...networkOperations,
];

/** Validates the input, runs the operation and validates what it returns. */
export async function runBridgxOperation(client: BridgxClient, name: string, input: unknown): Promise<unknown> {
  const op = bridgxOperations.find((o) => o.name === name);
  if (!op) throw new Error(`bridgx has no operation ${name}`);
  const parsed: unknown = op.input.parse(input);
  return op.output.parse(await (op.run as (c: BridgxClient, i: unknown) => Promise<unknown>)(client, parsed));
}
