import { z } from 'zod';

export const TaskKind = z.enum(['expand', 'shrink']);
export type TaskKind = z.infer<typeof TaskKind>;

export const TaskStatus = z.enum([
  'queued',
  'running',
  'succeeded',
  'partially_succeeded',
  'failed',
  'cancelling',
  'cancelled',
]);
export type TaskStatus = z.infer<typeof TaskStatus>;

export const FINAL_TASK_STATUSES: readonly TaskStatus[] = ['succeeded', 'partially_succeeded', 'failed', 'cancelled'];
export const isFinalTaskStatus = (s: TaskStatus) => FINAL_TASK_STATUSES.includes(s);

export const ItemState = z.enum([
  'planned',
  'submitted',
  'waiting',
  'succeeded',
  'failed',
  'cancelled',
  'rolling_back',
  'rolled_back',
]);
export type ItemState = z.infer<typeof ItemState>;

export const OnFailure = z.enum(['keep', 'rollback']);
export const ShrinkPolicy = z.enum(['newest', 'oldest']);

const Reason = z.string().trim().min(1).max(500).optional().describe('Free text kept with the task, e.g. a CI job URL');

export const ExpandRequest = z
  .object({
    count: z.number().int().min(1).describe('Machines to add; at most CLOUDPLANE_TASK_MAX_COUNT'),
    onFailure: OnFailure.default('keep').describe('rollback: delete what this task created if any machine fails'),
    reason: Reason,
  })
  .meta({ id: 'ExpandRequest' });
export type ExpandRequest = z.infer<typeof ExpandRequest>;

export const ShrinkRequest = z
  .object({
    count: z.number().int().min(1).optional(),
    instanceIds: z.array(z.uuid()).min(1).max(1000).optional().describe('Exactly these machines of the group'),
    policy: ShrinkPolicy.default('newest').describe('Which machines go first when only a count is given'),
    reason: Reason,
  })
  .refine((v) => (v.count === undefined) !== (v.instanceIds === undefined), {
    message: 'give either count or instanceIds',
    path: ['count'],
  })
  .meta({ id: 'ShrinkRequest' });
export type ShrinkRequest = z.infer<typeof ShrinkRequest>;

export const TaskCounts = z.object({
  requested: z.number().int(),
  succeeded: z.number().int(),
  failed: z.number().int(),
  inProgress: z.number().int(),
});

export const Task = z
  .object({
    id: z.uuid(),
    kind: TaskKind,
    status: TaskStatus,
    templateId: z.uuid(),
    accountId: z.uuid(),
    counts: TaskCounts,
    onFailure: OnFailure.nullable(),
    policy: ShrinkPolicy.nullable(),
    reason: z.string().nullable(),
    requestedBy: z.string().nullable().describe('Name of the API key that asked'),
    errorSummary: z.string().nullable(),
    orphansFound: z
      .number()
      .int()
      .describe("Machines carrying this task's marker or tag found on the platform after it ended"),
    createdAt: z.date(),
    startedAt: z.date().nullable(),
    finishedAt: z.date().nullable(),
    deadlineAt: z.date().nullable(),
    cancelRequestedAt: z.date().nullable(),
  })
  .meta({ id: 'Task' });
export type Task = z.infer<typeof Task>;

export const TaskItem = z.object({
  seq: z.number().int(),
  action: z.enum(['create', 'delete']),
  state: ItemState,
  marker: z.string(),
  providerId: z.string().nullable(),
  instanceId: z.uuid().nullable().describe('The machine in /v1/instances, once known'),
  attempts: z.number().int(),
  errorCode: z.string().nullable(),
  errorMessage: z.string().nullable(),
});
export type TaskItem = z.infer<typeof TaskItem>;

export const TaskEvent = z.object({
  id: z.string(),
  taskId: z.uuid(),
  at: z.date(),
  type: z.string(),
  data: z.record(z.string(), z.unknown()),
});
export type TaskEvent = z.infer<typeof TaskEvent>;
