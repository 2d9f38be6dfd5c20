/**
 * What each scaling strategy needs of its platform, checked when a task is
 * asked for: a platform that lacks one of them is refused at submit with a
 * 501 naming the platform and the operation, never failed item by item in
 * the worker. A platform declaring `none` has neither creates nor deletes.
 */
import type { Capability, ScalingStrategy } from '../domain/providers.ts';
import type { TaskKind } from '../domain/task.ts';
import { UnsupportedOperationError } from '../providers/contract.ts';
import type { Provider } from '../providers/registry.ts';

const NEEDS: Record<ScalingStrategy, Record<TaskKind, readonly Capability[]>> = {
  // Reconciliation finds machines by their marker in the list.
  per_machine: { expand: ['instances.create', 'instances.list'], shrink: ['instances.delete'] },
  per_machine_job: { expand: ['instances.create', 'instances.list', 'jobs.get'], shrink: ['instances.delete'] },
  native_group: { expand: ['groups.expand', 'groups.members'], shrink: ['groups.shrink'] },
  platform_tasks: { expand: ['groups.expand', 'groups.members', 'jobs.get'], shrink: ['groups.shrink', 'jobs.get'] },
  none: { expand: ['instances.create'], shrink: ['instances.delete'] },
};

/** The first capability this task needs that the platform lacks, or null. */
export function missingForTask(provider: Provider, kind: TaskKind): Capability | null {
  const needs = NEEDS[provider.definition.scaling][kind];
  if (provider.definition.scaling === 'none') return needs[0]!;
  return needs.find((c) => !provider.supports(c)) ?? null;
}

/** Refuses (501) a task the platform cannot run, before anything is written. */
export function assertCanRun(provider: Provider, kind: TaskKind): void {
  const missing = missingForTask(provider, kind);
  if (missing) throw new UnsupportedOperationError(provider.kind, missing);
}

/** A template is a group that expand and shrink act on: refused (501) on a platform that can do neither. */
export function assertCanHoldGroup(provider: Provider): void {
  if (missingForTask(provider, 'expand') && missingForTask(provider, 'shrink')) {
    throw new UnsupportedOperationError(provider.kind, missingForTask(provider, 'expand')!);
  }
}
