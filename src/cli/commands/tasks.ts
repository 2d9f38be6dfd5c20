/** `cloudplane tasks list|get|cancel|watch`: expand and shrink tasks. */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { TaskKind, TaskStatus } from '../../domain/task.ts';
import type { Context } from '../context.ts';
import { parseDuration } from '../duration.ts';
import { exitCodeForTaskStatus } from '../exit-codes.ts';
import type { Column } from '../output.ts';
import { listAll, resolveTemplate } from '../resolve.ts';
import { TaskView, TemplateView } from '../schemas.ts';
import { waitForTask } from '../wait.ts';
import { action, type Deps } from './action.ts';
import { addWaitOptions, examples, positiveInt, waitFlags, type WaitOptionValues } from './options.ts';

const columns: Column<TaskView>[] = [
  { header: 'ID', value: (t) => t.id },
  { header: 'KIND', value: (t) => t.kind },
  { header: 'STATUS', value: (t) => t.status },
  { header: 'REQUESTED', value: (t) => t.counts.requested },
  { header: 'SUCCEEDED', value: (t) => t.counts.succeeded },
  { header: 'FAILED', value: (t) => t.counts.failed },
  { header: 'IN PROGRESS', value: (t) => t.counts.inProgress },
  { header: 'CREATED', value: (t) => t.createdAt },
];

function show(ctx: Context, t: TaskView) {
  ctx.out.object(t, [
    ['id', t.id],
    ['kind', t.kind],
    ['status', t.status],
    ['template', t.templateId],
    ['requested', t.counts.requested],
    ['succeeded', t.counts.succeeded],
    ['failed', t.counts.failed],
    ['in progress', t.counts.inProgress],
    ['reason', t.reason],
    ['requested by', t.requestedBy],
    ['error', t.errorSummary],
    ['created', t.createdAt],
    ['started', t.startedAt],
    ['finished', t.finishedAt],
  ]);
}

/** An instant, or a duration meaning "that long ago". */
function since(value: string): string {
  const ms = parseDuration(value);
  if (ms !== null) return new Date(Date.now() - ms).toISOString();
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) throw new InvalidArgumentError('must be an ISO date-time or a duration such as 2h');
  return at.toISOString();
}

const taskPath = (id: string) => `/v1/tasks/${encodeURIComponent(id)}`;

/** `expand web`: the task's kind and its template's name (the id when the template is gone). */
async function labelOf(ctx: Context, t: TaskView): Promise<string> {
  const template = await ctx.client.call(TemplateView, 'GET', `/v1/templates/${t.templateId}`).catch(() => null);
  return `${t.kind} ${template?.name ?? t.templateId}`;
}

export function registerTasks(program: Command, deps: Deps) {
  const tasks = program.command('tasks').description('expand/shrink tasks: list, get, cancel, watch');
  examples(tasks, ['cloudplane tasks list --status running', 'cloudplane tasks watch <id>']);

  const list = tasks
    .command('list')
    .description('list tasks, newest first')
    .addOption(new Option('--status <status>', 'only tasks in this status').choices(TaskStatus.options))
    .addOption(new Option('--kind <kind>', 'only expand or shrink tasks').choices(TaskKind.options))
    .option('--template <template>', 'only tasks of this template (id or name)')
    .option('--since <when>', 'only tasks created since then (ISO date-time, or a duration ago: 2h)', since)
    .option('--limit <n>', 'at most this many', positiveInt, 50)
    .action(
      action(
        deps,
        async (ctx, f: { status?: string; kind?: string; template?: string; since?: string; limit: number }) => {
          const template = f.template ? (await resolveTemplate(ctx.client, f.template)).id : undefined;
          const query = { status: f.status, kind: f.kind, template, since: f.since };
          const { items, more } = await listAll(ctx.client, TaskView, '/v1/tasks', query, f.limit);
          ctx.out.list(items, columns, 'tasks');
          if (more) ctx.out.info('more tasks exist; raise --limit to see them');
        },
      ),
    );
  examples(list, [
    'cloudplane tasks list',
    'cloudplane tasks list --template web --since 24h',
    'cloudplane tasks list --status failed -o json',
  ]);

  const get = tasks
    .command('get')
    .description('show one task with its counts (exit 0 whatever its status)')
    .argument('<id>', 'task id')
    .action(action(deps, async (ctx, id: string) => show(ctx, await ctx.client.call(TaskView, 'GET', taskPath(id)))));
  examples(get, ['cloudplane tasks get <id>', 'cloudplane tasks get <id> -o json | jq .counts']);

  const cancel = addWaitOptions(
    tasks
      .command('cancel')
      .description('cancel a task: a queued one at once, a running one once its machines in flight settle')
      .argument('<id>', 'task id'),
    true,
  ).action(
    action(deps, async (ctx, id: string, f: WaitOptionValues) => {
      const wait = waitFlags(f);
      const t = await ctx.client.call(TaskView, 'POST', `${taskPath(id)}/cancel`);
      if (!wait) return ctx.out.result(`task ${t.id} ${t.status}`, t);
      ctx.out.info(`task ${t.id} ${t.status}`);
      return waitForTask(ctx, t.id, await labelOf(ctx, t), wait);
    }),
  );
  examples(cancel, ['cloudplane tasks cancel <id>', 'cloudplane tasks cancel <id> --wait']);

  const watch = addWaitOptions(
    tasks
      .command('watch')
      .description('follow a task until it ends; the exit code tells how it ended')
      .argument('<id>', 'task id'),
    false,
  ).action(
    action(deps, async (ctx, id: string, f: WaitOptionValues) => {
      const t = await ctx.client.call(TaskView, 'GET', taskPath(id));
      if (exitCodeForTaskStatus(t.status) !== null) ctx.out.info(`task ${t.id} has already ended`);
      return waitForTask(ctx, t.id, await labelOf(ctx, t), waitFlags(f, true)!);
    }),
  );
  examples(watch, ['cloudplane tasks watch <id>', 'cloudplane tasks watch <id> --timeout 10m || echo "exit $?"']);
}
