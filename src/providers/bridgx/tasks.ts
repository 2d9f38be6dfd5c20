/**
 * Finding BridgX tasks again (A57, A58). The platform has no get-task-by-id, no idempotency key
 * and no link from a machine to its task: a task is found by scanning `task/list` (newest
 * first in the examples) for its id, or for the name the adapter gave it. That name carries the
 * caller's request id and the machine count, so a task whose answer was lost can be found, and
 * a failed one reported with how many of its machines made it.
 */
import { ProviderError } from '../contract.ts';
import type { BridgxClient } from './client.ts';
import { parseData } from './client.ts';
import { WireTaskList, type WireTask } from './wire.ts';

export type TaskAction = 'expand' | 'shrink';

const NAME = /^cloudplane-(expand|shrink)-(\d+)-(.+)$/;

/** Characters a task name keeps; others become `-` (the document gives no rule, so stay plain). */
const sanitize = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 96);

/** `cloudplane-<action>-<count>-<requestId>`: what the task list shows for a task this adapter sent. */
export function taskName(action: TaskAction, count: number, requestId: string): string {
  return `cloudplane-${action}-${count}-${sanitize(requestId)}`;
}

/** The action, count and request id a task name of `taskName` carries; null for other tasks. */
export function parseTaskName(name: string): { action: TaskAction; count: number; requestId: string } | null {
  const m = NAME.exec(name);
  return m ? { action: m[1] as TaskAction, count: Number(m[2]), requestId: m[3]! } : null;
}

/** Scans the account's task list, page by page, for the first task `match` accepts. */
export async function findTask(
  client: BridgxClient,
  operation: string,
  match: (t: WireTask) => boolean,
): Promise<WireTask | null> {
  const { options } = client;
  let found: WireTask | null = null;
  // `all` stops at the last page; a match ends the scan early by reporting an empty page.
  await client.all(
    { method: 'GET', path: '/task/list', operation, idempotent: true, query: { account: options.accountKey } },
    (data) => {
      if (found) return { items: [], total: 0 };
      const page = parseData(operation, WireTaskList, data);
      found = page.task_list.find(match) ?? null;
      return { items: found ? [] : page.task_list, total: page.pager.total };
    },
    options.taskScanPages,
  );
  return found;
}

/** The task this adapter sent for a request, if the platform lists it. */
export function findRequestTask(
  client: BridgxClient,
  operation: string,
  action: TaskAction,
  count: number,
  requestId: string,
  cluster: string,
): Promise<WireTask | null> {
  const name = taskName(action, count, requestId);
  return findTask(
    client,
    operation,
    (t) => t.task_name === name && (t.cluster_name === '' || t.cluster_name === cluster),
  );
}

/** Job ids of a network sync (A53): `sync:<cloud>:<region>:<ms>`. */
export const SYNC_JOB = /^sync:([^:]+):([^:]+):(\d+)$/;

/** A task id as handed out: decimal digits, possibly beyond 2^53. */
export const TASK_ID = /^\d{1,30}$/;

export function unknownJob(jobId: string): ProviderError {
  return new ProviderError('bridgx', 'jobs.get', 'invalid', undefined, `not a BridgX task id nor a sync job: ${jobId}`);
}
