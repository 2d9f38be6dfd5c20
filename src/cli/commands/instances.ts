/** `cloudplane instances list|get|start|stop|reboot|delete`: machines on every account. */
import { Option, type Command } from 'commander';
import { InstanceStatus } from '../../domain/instance.ts';
import { ProviderKind } from '../../domain/providers.ts';
import type { Context } from '../context.ts';
import { formatProblem } from '../errors.ts';
import { EXIT, exitCodeForHttpStatus, type ExitCode } from '../exit-codes.ts';
import type { Column } from '../output.ts';
import { listAll, resolveAccount, resolveTemplate } from '../resolve.ts';
import { BulkResult, InstanceView } from '../schemas.ts';
import { action, type Deps } from './action.ts';
import { examples, positiveInt } from './options.ts';

const columns: Column<InstanceView>[] = [
  { header: 'ID', value: (i) => i.id },
  { header: 'NAME', value: (i) => i.name },
  { header: 'STATUS', value: (i) => i.status },
  { header: 'PROVIDER', value: (i) => i.provider },
  { header: 'TYPE', value: (i) => i.instanceType },
  { header: 'PRIVATE IP', value: (i) => i.privateIps },
  { header: 'PUBLIC IP', value: (i) => i.publicIps },
];

function show(ctx: Context, i: InstanceView) {
  ctx.out.object(i, [
    ['id', i.id],
    ['name', i.name],
    ['status', `${i.status} (${i.statusRaw})`],
    ['provider', i.provider],
    ['account', i.accountId],
    ['template', i.templateId],
    ['zone', i.zone],
    ['instance type', i.instanceType],
    ['private ips', i.privateIps],
    ['public ips', i.publicIps],
    ['tags', i.tags],
    ['last seen', i.lastSeenAt],
  ]);
}

interface ListFlags {
  template?: string;
  account?: string;
  provider?: string;
  status?: string;
  tag?: string;
  includeDeleted?: boolean;
  refresh?: boolean;
  limit: number;
}

const BULK_MAX = 100;

/** One action on one or many machines: per machine for one, the bulk route (100 at a time) for several. */
async function act(ctx: Context, verb: 'start' | 'stop' | 'reboot' | 'delete', ids: string[]): Promise<ExitCode> {
  if (ids.length === 1) {
    const id = ids[0]!;
    const i =
      verb === 'delete'
        ? await ctx.client.call(InstanceView, 'DELETE', `/v1/instances/${encodeURIComponent(id)}`)
        : await ctx.client.call(InstanceView, 'POST', `/v1/instances/${encodeURIComponent(id)}/actions`, {
            body: { action: verb },
          });
    ctx.out.result(`${verb}: ${i.id} ${i.name ?? ''} is ${i.status}`.replace(/ +/g, ' '), i);
    return EXIT.ok;
  }
  const results: BulkResult['items'] = [];
  for (let at = 0; at < ids.length; at += BULK_MAX) {
    const body = { action: verb, ids: ids.slice(at, at + BULK_MAX) };
    results.push(...(await ctx.client.call(BulkResult, 'POST', '/v1/instances/actions', { body })).items);
  }
  ctx.out.list(
    results,
    [
      { header: 'ID', value: (r) => r.id },
      { header: 'OK', value: (r) => (r.ok ? 'yes' : 'no') },
      { header: 'STATUS', value: (r) => r.instance?.status },
      {
        header: 'PROBLEM',
        value: (r) => (r.problem ? formatProblem(r.problem.status ?? 0, r.problem).replace('\n', ' — ') : null),
      },
    ],
    'machines',
  );
  const failed = results.find((r) => !r.ok);
  return failed ? exitCodeForHttpStatus(failed.problem?.status ?? 500) : EXIT.ok;
}

export function registerInstances(program: Command, deps: Deps) {
  const instances = program.command('instances').description('machines: list, get, start, stop, reboot, delete');
  examples(instances, ['cloudplane instances list --template web', 'cloudplane instances stop <id>']);

  const list = instances
    .command('list')
    .description("list machines (from the gateway's records)")
    .option('--template <template>', 'only machines of this template (id or name)')
    .option('--account <account>', 'only machines of this account (id or name)')
    .addOption(new Option('--provider <kind>', 'only machines of this provider kind').choices(ProviderKind.options))
    .addOption(new Option('--status <status>', 'only machines in this status').choices(InstanceStatus.options))
    .option('--tag <key=value>', 'only machines with this tag')
    .option('--include-deleted', 'also list machines that are gone')
    .option('--refresh', 'read the platforms before answering')
    .option('--limit <n>', 'at most this many', positiveInt, 500)
    .action(
      action(deps, async (ctx, f: ListFlags) => {
        const query = {
          template: f.template ? (await resolveTemplate(ctx.client, f.template)).id : undefined,
          account: f.account ? (await resolveAccount(ctx.client, f.account)).id : undefined,
          provider: f.provider,
          status: f.status,
          tag: f.tag,
          includeDeleted: f.includeDeleted ? 'true' : undefined,
          refresh: f.refresh ? 'true' : undefined,
        };
        const { items, more } = await listAll(ctx.client, InstanceView, '/v1/instances', query, f.limit);
        ctx.out.list(items, columns, 'machines');
        if (more) ctx.out.info('more machines exist; raise --limit to see them');
      }),
    );
  examples(list, [
    'cloudplane instances list',
    'cloudplane instances list --template web --status running',
    "cloudplane instances list --tag team=web -o json | jq -r '.[].privateIps[0]'",
  ]);

  const get = instances
    .command('get')
    .description('show one machine, as its platform reports it now')
    .argument('<id>', 'instance id')
    .action(
      action(deps, async (ctx, id: string) =>
        show(ctx, await ctx.client.call(InstanceView, 'GET', `/v1/instances/${encodeURIComponent(id)}`)),
      ),
    );
  examples(get, ['cloudplane instances get 0b6e…-uuid']);

  for (const [verb, what] of [
    ['start', 'start machines'],
    ['stop', 'stop machines'],
    ['reboot', 'reboot machines'],
    ['delete', 'delete machines'],
  ] as const) {
    const cmd = instances
      .command(verb)
      .description(`${what} (one id, or several: up to 100 per request, each with its own outcome)`)
      .argument('<ids...>', 'instance ids')
      .action(action(deps, async (ctx, ids: string[]) => act(ctx, verb, ids)));
    examples(cmd, [`cloudplane instances ${verb} <id>`, `cloudplane instances ${verb} <id> <id> <id>`]);
  }
}
