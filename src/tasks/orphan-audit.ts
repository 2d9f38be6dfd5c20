/**
 * The orphan audit: machines on a platform that carry a task's marker (or a
 * template's tag) and that no record counts as a member of the group. They
 * come from creates that took effect after the engine stopped looking for
 * them: a platform that acted later than its declared list lag, a task
 * that failed or hit its deadline while a create was still on its way.
 * Reconciliation inside a task cannot see them (it ended), so this pass,
 * run periodically per account on one replica, finds them and, by the
 * template's `orphanPolicy`, adopts them into the group (a record that
 * counts, lists and shrinks) or deletes them. Either way the task and the
 * template say so (an event and a count) and a metric counts them.
 *
 * A template whose own task is still running is left to that task: its
 * rounds adopt what carries its marker.
 */
import { Counter, type Registry } from 'prom-client';
import type { Account as AccountRow } from '../generated/prisma/client.ts';
import type { ProviderInstance } from '../domain/instance.ts';
import { TASK_TAG, TEMPLATE_TAG } from '../domain/tags.ts';
import { BaseAccountOptions } from '../providers/contract.ts';
import type { EngineDeps } from './engine-deps.ts';
import { listAll } from './observe.ts';

export interface Orphan {
  machine: ProviderInstance;
  templateId: string;
  taskId: string | null;
  action: 'adopted' | 'deleted';
}

const counters = new WeakMap<Registry, Counter<'provider' | 'action'>>();
function counterFor(registry: Registry | undefined) {
  if (!registry) return undefined;
  let c = counters.get(registry);
  if (!c) {
    c = new Counter({
      name: 'cloudplane_orphans_found_total',
      help: 'Machines of a template found on the platform that no record knew, by what the audit did with them',
      labelNames: ['provider', 'action'] as const,
      registers: [registry],
    });
    counters.set(registry, c);
  }
  return c;
}

const OPEN = new Set(['queued', 'running', 'cancelling']);

/** Audits one account's machines; returns what it found (and did). */
export async function auditAccount(deps: EngineDeps, account: AccountRow): Promise<Orphan[]> {
  const provider = deps.providers.forRow(account);
  if (!provider.supports('instances.list')) return [];
  const templates = await deps.prisma.template.findMany({
    where: { accountId: account.id, deletedAt: null },
    select: { id: true, orphanPolicy: true, activeTask: { select: { id: true, status: true } } },
  });
  if (templates.length === 0) return [];
  const tasks = await deps.prisma.task.findMany({
    where: { accountId: account.id, kind: 'expand' },
    select: { id: true, templateId: true, status: true, params: true },
  });
  const byTemplate = new Map(templates.map((t) => [t.id, t]));
  const taskById = new Map(tasks.map((t) => [t.id, t]));
  const prefixes = tasks.flatMap((t) => {
    const prefix = (t.params as { markerPrefix?: string }).markerPrefix;
    return prefix ? [{ prefix, task: t }] : [];
  });
  const o = BaseAccountOptions.safeParse(account.options ?? {});
  const limit = {
    concurrency: (o.success ? o.data.concurrency : undefined) ?? deps.settings.accountConcurrency,
    ratePerSecond: (o.success ? o.data.ratePerSecond : undefined) ?? deps.settings.accountRatePerSecond,
  };

  const machines = await listAll(deps, { accountId: account.id, provider, limit });
  const members = new Set(
    (
      await deps.prisma.instance.findMany({
        where: { accountId: account.id, templateId: { not: null } },
        select: { providerId: true },
      })
    ).map((r) => r.providerId),
  );

  const found: Omit<Orphan, 'action'>[] = [];
  for (const m of machines) {
    if (members.has(m.providerId) || m.status === 'deleted' || m.status === 'deleting') continue;
    const task =
      (m.tags[TASK_TAG] ? taskById.get(m.tags[TASK_TAG]) : undefined) ??
      (m.name ? prefixes.find((p) => m.name!.startsWith(p.prefix))?.task : undefined);
    const templateId = task?.templateId ?? m.tags[TEMPLATE_TAG];
    const template = templateId ? byTemplate.get(templateId) : undefined;
    if (!template) continue;
    // Its own task is still at work: its next round adopts the machine.
    if (task && template.activeTask?.id === task.id && OPEN.has(template.activeTask.status)) continue;
    found.push({ machine: m, templateId: template.id, taskId: task?.id ?? null });
  }

  const orphans: Orphan[] = [];
  for (const f of found) {
    const policy = byTemplate.get(f.templateId)!.orphanPolicy;
    // The delete goes first: a delete that fails leaves the machine an orphan the next audit retries,
    // not a silently adopted member.
    let action: Orphan['action'] = 'adopted';
    if (policy === 'delete') {
      const sent = await deps.limits
        .run(account.id, limit, () => provider.deleteInstance(f.machine.providerId))
        .then(() => true)
        .catch((err: unknown) => {
          deps.logger.warn(
            { accountId: account.id, providerId: f.machine.providerId, err: (err as Error).message },
            'could not delete an orphan machine; the next audit tries again',
          );
          return false;
        });
      if (!sent) continue;
      action = 'deleted';
    }
    await deps.records.record(account.id, [f.machine], { templateId: f.templateId, taskId: f.taskId });
    if (action === 'deleted')
      await deps.prisma.instance.updateMany({
        where: { accountId: account.id, providerId: f.machine.providerId },
        data: { status: 'deleting' },
      });
    orphans.push({ ...f, action });
  }
  await report(deps, account, orphans);
  return orphans;
}

async function report(deps: EngineDeps, account: AccountRow, orphans: Orphan[]) {
  if (orphans.length === 0) return;
  const now = new Date();
  const perTemplate = new Map<string, number>();
  const perTask = new Map<string, Orphan[]>();
  for (const o of orphans) {
    perTemplate.set(o.templateId, (perTemplate.get(o.templateId) ?? 0) + 1);
    if (o.taskId) perTask.set(o.taskId, [...(perTask.get(o.taskId) ?? []), o]);
  }
  for (const [templateId, n] of perTemplate) {
    await deps.prisma.template.update({
      where: { id: templateId },
      data: { orphansFound: { increment: n }, lastOrphanAt: now },
    });
  }
  for (const [taskId, list] of perTask) {
    await deps.prisma.task.update({ where: { id: taskId }, data: { orphansFound: { increment: list.length } } });
    await deps.events.append(
      taskId,
      list.map((o) => ({
        type: 'task.orphan_found',
        data: { providerId: o.machine.providerId, name: o.machine.name, action: o.action },
      })),
    );
    await deps.events.notify(taskId);
  }
  const counter = counterFor(deps.metrics);
  for (const o of orphans) {
    counter?.inc({ provider: account.provider, action: o.action });
    deps.logger.warn(
      {
        accountId: account.id,
        templateId: o.templateId,
        taskId: o.taskId,
        providerId: o.machine.providerId,
        action: o.action,
      },
      'orphan machine found on the platform',
    );
  }
}

/**
 * Runs the audit every `everyMs`, each account on one replica per period (a lease in Redis).
 * Failures are logged and retried next period; the audit never stops the worker.
 */
export function startOrphanAudit(deps: EngineDeps, opts: { everyMs: number; isStoreOutage(err: unknown): boolean }) {
  let running: Promise<void> | undefined;
  const once = async () => {
    const accounts = await deps.prisma.account.findMany({
      where: { deletedAt: null, templates: { some: { deletedAt: null } } },
    });
    for (const account of accounts) {
      if (!(await deps.leases.take(`orphan-audit:${account.id}`, opts.everyMs))) continue;
      await auditAccount(deps, account).catch((err: unknown) => {
        if (!opts.isStoreOutage(err))
          deps.logger.warn({ accountId: account.id, err: (err as Error).message }, 'orphan audit failed');
      });
    }
  };
  const timer = setInterval(() => {
    running ??= once()
      .catch((err: unknown) => {
        if (!opts.isStoreOutage(err)) deps.logger.warn({ err: (err as Error).message }, 'orphan audit failed');
      })
      .finally(() => (running = undefined));
  }, opts.everyMs);
  timer.unref();
  return {
    async close() {
      clearInterval(timer);
      await running;
    },
  };
}
