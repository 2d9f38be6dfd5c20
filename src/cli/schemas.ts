/**
 * The API answers the CLI reads, as they arrive on the wire (dates are ISO
 * strings). Enums come from domain/, so the CLI and the API share one
 * vocabulary. Objects are loose: fields the CLI does not know pass through to
 * `--output json|yaml` untouched, so a newer API does not break an older CLI.
 */
import { z } from 'zod';
import { InstanceStatus } from '../domain/instance.ts';
import { Capability, ProviderKind } from '../domain/providers.ts';
import { TaskCounts, TaskKind, TaskStatus } from '../domain/task.ts';

const Timestamp = z.string();

export const Problem = z.looseObject({
  type: z.string().optional(),
  title: z.string().optional(),
  status: z.number().optional(),
  detail: z.string().optional(),
  provider: z.string().nullish(),
  providerCode: z.string().nullish(),
  providerMessage: z.string().nullish(),
  errors: z.array(z.looseObject({ pointer: z.string().optional(), detail: z.string() })).optional(),
});
export type Problem = z.infer<typeof Problem>;

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.looseObject({ items: z.array(item), nextCursor: z.string().nullable().optional() });

export const ProviderView = z.looseObject({
  kind: ProviderKind,
  title: z.string(),
  capabilities: z.array(z.union([Capability, z.string()])),
  listLagMs: z.number().optional(),
  /** How the kind scales (per_machine, native_group, none…), where the API says. */
  scaling: z.string().optional(),
});
export type ProviderView = z.infer<typeof ProviderView>;

export const AccountView = z.looseObject({
  id: z.string(),
  name: z.string(),
  provider: z.string(),
  endpoint: z.string(),
  lastSyncedAt: Timestamp.nullable().optional(),
  createdAt: Timestamp,
});
export type AccountView = z.infer<typeof AccountView>;

export const Verified = z.looseObject({ ok: z.boolean(), provider: z.string(), latencyMs: z.number() });

export const TemplateView = z.looseObject({
  id: z.string(),
  name: z.string(),
  accountId: z.string(),
  provider: z.string(),
  namePrefix: z.string(),
  spec: z.looseObject({ instanceType: z.string(), image: z.string(), zone: z.string().optional() }),
  activeTaskId: z.string().nullable(),
  createdAt: Timestamp,
});
export type TemplateView = z.infer<typeof TemplateView>;

export const InstanceView = z.looseObject({
  id: z.string(),
  name: z.string().nullable(),
  status: InstanceStatus,
  statusRaw: z.string(),
  provider: z.string(),
  accountId: z.string(),
  templateId: z.string().nullable(),
  privateIps: z.array(z.string()),
  publicIps: z.array(z.string()),
  instanceType: z.string().nullable(),
  zone: z.string().nullable(),
});
export type InstanceView = z.infer<typeof InstanceView>;

export const BulkResult = z.looseObject({
  items: z.array(
    z.looseObject({ id: z.string(), ok: z.boolean(), instance: InstanceView.optional(), problem: Problem.optional() }),
  ),
});
export type BulkResult = z.infer<typeof BulkResult>;

export const TaskView = z.looseObject({
  id: z.string(),
  kind: TaskKind,
  status: TaskStatus,
  templateId: z.string(),
  counts: TaskCounts,
  reason: z.string().nullable(),
  requestedBy: z.string().nullable(),
  errorSummary: z.string().nullable(),
  createdAt: Timestamp,
  startedAt: Timestamp.nullable(),
  finishedAt: Timestamp.nullable(),
});
export type TaskView = z.infer<typeof TaskView>;

/** The `data` of one SSE event: `at` plus whatever the event type carries. */
export const EventData = z.looseObject({ at: z.string().optional() });
export type EventData = z.infer<typeof EventData>;
