/**
 * `cloudplane expand <template> --count N` and `cloudplane shrink <template>
 * (--count N | --ids a,b)`: start a scaling task, and with --wait follow it to
 * its end. In a CI job the Idempotency-Key defaults to one derived from the
 * job (see ci.ts), so a retried step gets the first attempt's task.
 */
import { Option, type Command } from 'commander';
import { OnFailure, ShrinkPolicy } from '../../domain/task.ts';
import { deriveIdempotencyKey, detectCi } from '../ci.ts';
import type { Context } from '../context.ts';
import { UsageError } from '../errors.ts';
import { EXIT, type ExitCode } from '../exit-codes.ts';
import { resolveTemplate } from '../resolve.ts';
import { TaskView } from '../schemas.ts';
import { waitForTask } from '../wait.ts';
import { action, type Deps } from './action.ts';
import { addWaitOptions, examples, list, positiveInt, waitFlags, type WaitOptionValues } from './options.ts';

interface ScaleFlags extends WaitOptionValues {
  count?: number;
  reason?: string;
  /** A key, or false for --no-idempotency-key. */
  idempotencyKey?: string | false;
}

interface ExpandFlags extends ScaleFlags {
  onFailure: string;
}

interface ShrinkFlags extends ScaleFlags {
  ids?: string[];
  policy?: string;
}

/** The key to send, and a note saying where it came from. */
function idempotency(ctx: Context, f: ScaleFlags, command: 'expand' | 'shrink', templateId: string) {
  if (typeof f.idempotencyKey === 'string') return { key: f.idempotencyKey, ci: detectCi(ctx.io.env) };
  const ci = detectCi(ctx.io.env);
  if (f.idempotencyKey === false || !ci) return { key: undefined, ci };
  const key = deriveIdempotencyKey(ci, command, templateId);
  ctx.out.info(`idempotency key ${key} (from ${ci.parts.map(([name]) => name).join(', ')})`);
  return { key, ci };
}

async function submit(
  ctx: Context,
  command: 'expand' | 'shrink',
  ref: string,
  f: ScaleFlags,
  body: Record<string, unknown>,
): Promise<ExitCode> {
  const wait = waitFlags(f);
  const template = await resolveTemplate(ctx.client, ref);
  const { key, ci } = idempotency(ctx, f, command, template.id);
  const reason = f.reason ?? ci?.reason;
  const { data: task, headers } = await ctx.client.callWithHeaders(
    TaskView,
    'POST',
    `/v1/templates/${template.id}/${command}`,
    { body: { ...body, ...(reason ? { reason } : {}) }, idempotencyKey: key },
  );
  const label = `${command} ${template.name}`;
  if (headers['idempotent-replayed'] === 'true') {
    ctx.out.info(`${label}: this Idempotency-Key was used before; following that request's task ${task.id}`);
  } else {
    ctx.out.info(`${label}: task ${task.id} ${task.status} (${task.counts.requested} requested)`);
  }
  if (!wait) {
    ctx.out.result(`task ${task.id} ${task.status}; follow it with: cloudplane tasks watch ${task.id}`, task);
    return EXIT.ok;
  }
  return waitForTask(ctx, task.id, label, wait);
}

function scaleOptions(cmd: Command): Command {
  cmd
    .option('--reason <text>', 'kept with the task (default in CI: the job)')
    .option('--idempotency-key <key>', 'send this Idempotency-Key (default in CI: derived from the job and step)')
    .option('--no-idempotency-key', 'send no Idempotency-Key, even in CI');
  return addWaitOptions(cmd, true);
}

export function registerScale(program: Command, deps: Deps) {
  const expand = scaleOptions(
    program
      .command('expand')
      .description("add machines to a template's group")
      .argument('<template>', 'template id or name')
      .requiredOption('-n, --count <n>', 'machines to add', positiveInt)
      .addOption(
        new Option('--on-failure <policy>', 'keep what was created, or roll it back, when a machine fails')
          .choices(OnFailure.options)
          .default('keep'),
      ),
  ).action(
    action(deps, async (ctx, ref: string, f: ExpandFlags) =>
      submit(ctx, 'expand', ref, f, { count: f.count, onFailure: f.onFailure }),
    ),
  );
  examples(expand, [
    'cloudplane expand web --count 3',
    'cloudplane expand web --count 3 --wait --timeout 15m',
    'cloudplane expand web -n 10 --on-failure rollback --wait -o json',
  ]);

  const shrink = scaleOptions(
    program
      .command('shrink')
      .description("remove machines from a template's group")
      .argument('<template>', 'template id or name')
      .option('-n, --count <n>', 'machines to remove, chosen by --policy (broken ones first)', positiveInt)
      .option('--ids <ids>', 'exactly these machines (comma-separated instance ids; repeatable)', list)
      .addOption(
        new Option('--policy <policy>', 'which machines go first with --count (default newest)').choices(
          ShrinkPolicy.options,
        ),
      ),
  ).action(
    action(deps, async (ctx, ref: string, f: ShrinkFlags) => {
      if ((f.count === undefined) === (f.ids === undefined)) throw new UsageError('give either --count or --ids');
      const body =
        f.count !== undefined
          ? { count: f.count, policy: f.policy ?? 'newest' }
          : { instanceIds: f.ids, ...(f.policy ? { policy: f.policy } : {}) };
      return submit(ctx, 'shrink', ref, f, body);
    }),
  );
  examples(shrink, [
    'cloudplane shrink web --count 2 --wait',
    'cloudplane shrink web --count 2 --policy oldest',
    'cloudplane shrink web --ids 0b6e…,5c1d… --wait --timeout 10m',
  ]);
}
