/**
 * Native group scaling on BridgX (A54–A60): a template is a cluster, machines come and go only
 * through the platform's expand and shrink tasks, and those tasks are followed in its task list.
 * Nothing here waits: the task engine calls getJob and listGroupMembers again.
 */
import type { ProviderInstance } from '../../domain/instance.ts';
import {
  ProviderError,
  type GroupExpandAccepted,
  type GroupExpandRequest,
  type GroupInput,
  type JobState,
} from '../contract.ts';
import { parseData, type BridgxClient } from './client.ts';
import { clusterBody } from './cluster-body.ts';
import { toInstance } from './mapping.ts';
import { jobStateOf, toMachineStatus, toTaskStatus } from './statuses.ts';
import {
  findRequestTask,
  findTask,
  parseTaskName,
  SYNC_JOB,
  TASK_ID,
  taskName,
  unknownJob,
  type TaskAction,
} from './tasks.ts';
import { parseBridgxTime } from './time.ts';
import {
  WireClusterList,
  WireCreatedId,
  WireMachineList,
  WireTaskIdData,
  type WireMachine,
  type WireTask,
} from './wire.ts';

/** An error after which the call may have happened: the task list is asked before giving up. */
const mayHaveActed = (err: unknown) =>
  err instanceof ProviderError && (err.kind === 'timeout' || err.kind === 'unavailable' || err.kind === 'malformed');

export function createScaling(client: BridgxClient) {
  const { options } = client;
  const account = options.accountKey;

  async function clusterMachines(cluster: string, operation: string): Promise<WireMachine[]> {
    return client.all(
      {
        method: 'GET',
        path: '/instance/describe_all',
        operation,
        idempotent: true,
        query: { account, cluster_name: cluster },
      },
      (data) => {
        const page = parseData(operation, WireMachineList, data);
        return { items: page.instance_list, total: page.pager.total };
      },
    );
  }

  async function clusterExists(name: string, operation: string): Promise<boolean> {
    const clusters = await client.all(
      { method: 'GET', path: '/cluster/describe_all', operation, idempotent: true, query: { account } },
      (data) => {
        const page = parseData(operation, WireClusterList, data);
        return { items: page.cluster_list, total: page.pager.total };
      },
    );
    return clusters.some((c) => c.cluster_name === name);
  }

  /** Sends one expand or shrink task, reusing a listed task of the same request (A57). */
  async function runTask(
    action: TaskAction,
    operation: string,
    cluster: string,
    count: number,
    requestId: string,
    extra: Record<string, unknown>,
  ): Promise<string> {
    const earlier = await findRequestTask(client, operation, action, count, requestId, cluster);
    if (earlier) return earlier.task_id;
    try {
      return await client.data(
        {
          method: 'POST',
          // D2: the shrink path is written as /cluster/expand; /cluster/shrink is the one that can work (A49).
          path: action === 'expand' ? '/cluster/expand' : '/cluster/shrink',
          operation,
          idempotent: false,
          json: { task_name: taskName(action, count, requestId), cluster_name: cluster, count, ...extra },
          logFields: { requestId },
        },
        WireTaskIdData,
      );
    } catch (err) {
      if (!mayHaveActed(err)) throw err;
      const listed = await findRequestTask(client, operation, action, count, requestId, cluster).catch(() => null);
      if (listed) return listed.task_id;
      throw err;
    }
  }

  /** What a failed task achieved, from the cluster's machines made in its window (A58). */
  async function failureSummary(task: WireTask): Promise<string> {
    const meta = parseTaskName(task.task_name);
    const head = `${task.task_action || 'task'} ${task.task_id} on cluster ${task.cluster_name} ended ${task.status}`;
    if (!meta || meta.action !== 'expand' || !task.cluster_name)
      return meta ? `${head} (${meta.count} machines asked)` : head;
    const start = parseBridgxTime(task.create_at)?.getTime();
    const end = parseBridgxTime(task.finish_at)?.getTime() ?? Date.now();
    if (start === undefined) return `${head} (${meta.count} machines asked)`;
    const made = (await clusterMachines(task.cluster_name, 'jobs.get')).filter((m) => {
      const at = parseBridgxTime(m.create_at)?.getTime();
      // Stamps have whole seconds: a second of margin on each side.
      return at !== undefined && at >= start - 1000 && at <= end + 1000;
    });
    const running = made.filter((m) => toMachineStatus(m.status).status === 'running').length;
    return `${head}: ${running} of ${meta.count} machines running, ${meta.count - running} failed`;
  }

  return {
    async createGroup(input: GroupInput): Promise<{ groupId: string }> {
      const body = clusterBody(input, options);
      try {
        const name = await client.data(
          { method: 'POST', path: '/cluster/create', operation: 'groups.create', idempotent: false, json: body },
          WireCreatedId,
        );
        return { groupId: name };
      } catch (err) {
        // A56: a taken name is refused like any bad parameter; say which it is.
        if (
          err instanceof ProviderError &&
          err.kind === 'invalid' &&
          (await clusterExists(input.name, 'groups.create'))
        )
          throw new ProviderError('bridgx', 'groups.create', 'conflict', err.providerCode, err.providerMessage, {
            cause: err,
            ...(err.httpStatus !== undefined ? { httpStatus: err.httpStatus } : {}),
          });
        throw err;
      }
    },

    async listGroupMembers(groupId: string): Promise<ProviderInstance[]> {
      // A60: deleted machines stay listed by BridgX but are no longer members.
      return (await clusterMachines(groupId, 'groups.members'))
        .map((m) => toInstance(m, null, options.statusMap))
        .filter((m) => m.status !== 'deleted');
    },

    async expandGroup(req: GroupExpandRequest): Promise<GroupExpandAccepted> {
      const jobId = await runTask('expand', 'groups.expand', req.groupId, req.count, req.requestId, {});
      // No machine is named: they appear in the cluster as the task runs.
      return { instanceIds: [], jobId };
    },

    async shrinkGroup(req: {
      groupId: string;
      instanceIds: string[];
      requestId: string;
    }): Promise<{ jobId: string | null }> {
      const machines = new Map((await clusterMachines(req.groupId, 'groups.shrink')).map((m) => [m.instance_id, m]));
      const ips: string[] = [];
      for (const id of req.instanceIds) {
        const m = machines.get(id);
        // A59: a machine already gone (or never in this cluster) needs no shrink.
        if (!m || toMachineStatus(m.status).status === 'deleted') continue;
        if (!m.ip_inner.trim())
          throw new ProviderError(
            'bridgx',
            'groups.shrink',
            'invalid',
            undefined,
            `machine ${id} has no private IP yet`,
          );
        ips.push(m.ip_inner.trim());
      }
      if (ips.length === 0) return { jobId: null };
      return { jobId: await runTask('shrink', 'groups.shrink', req.groupId, ips.length, req.requestId, { ips }) };
    },

    async getJob(jobId: string): Promise<JobState> {
      if (SYNC_JOB.test(jobId)) return { state: 'succeeded', instanceIds: [] };
      if (!TASK_ID.test(jobId)) throw unknownJob(jobId);
      const task = await findTask(client, 'jobs.get', (t) => t.task_id === jobId);
      if (!task)
        throw new ProviderError(
          'bridgx',
          'jobs.get',
          'not_found',
          undefined,
          `task ${jobId} is not in the newest ${options.taskScanPages * 50} tasks of the account`,
        );
      const state = jobStateOf(toTaskStatus(task.status, parseBridgxTime(task.finish_at) !== null));
      // A58: no machine names its task; the engine finds new machines in the cluster's membership.
      if (state !== 'failed') return { state, instanceIds: [] };
      return { state, instanceIds: [], providerCode: task.status, providerMessage: await failureSummary(task) };
    },
  };
}
