/** `cloudplane templates list|get|create|delete`: saved machine specs, each also a scaling group. */
import type { Command } from 'commander';
import type { Context } from '../context.ts';
import { UsageError } from '../errors.ts';
import { readDocument } from '../files.ts';
import type { Column } from '../output.ts';
import { listAll, resolveAccount, resolveTemplate } from '../resolve.ts';
import { TemplateView } from '../schemas.ts';
import { action, type Deps } from './action.ts';
import { examples, positiveInt } from './options.ts';

const columns: Column<TemplateView>[] = [
  { header: 'ID', value: (t) => t.id },
  { header: 'NAME', value: (t) => t.name },
  { header: 'PROVIDER', value: (t) => t.provider },
  { header: 'INSTANCE TYPE', value: (t) => t.spec.instanceType },
  { header: 'IMAGE', value: (t) => t.spec.image },
  { header: 'ACTIVE TASK', value: (t) => t.activeTaskId },
];

function show(ctx: Context, t: TemplateView) {
  ctx.out.object(t, [
    ['id', t.id],
    ['name', t.name],
    ['account', t.accountId],
    ['provider', t.provider],
    ['name prefix', t.namePrefix],
    ['zone', t.spec.zone],
    ['instance type', t.spec.instanceType],
    ['image', t.spec.image],
    ['tags', t.spec.tags],
    ['active task', t.activeTaskId],
    ['created', t.createdAt],
  ]);
}

interface CreateFlags {
  file: string;
  name?: string;
  account?: string;
  idempotencyKey?: string;
}

/** The file's body; `account` (a name or id) in the file or as a flag becomes `accountId`. */
async function createBody(ctx: Context, f: CreateFlags): Promise<Record<string, unknown>> {
  const body = await readDocument(f.file, ctx.io.stdin);
  if (f.name) body.name = f.name;
  const accountRef = f.account ?? (typeof body.account === 'string' ? body.account : undefined);
  delete body.account;
  if (accountRef) body.accountId = (await resolveAccount(ctx.client, accountRef)).id;
  if (body.accountId === undefined)
    throw new UsageError('the template needs an account: `account` or `accountId` in the file, or --account');
  return body;
}

export function registerTemplates(program: Command, deps: Deps) {
  const templates = program
    .command('templates')
    .description('machine templates (scaling groups): list, get, create, delete');
  examples(templates, ['cloudplane templates list', 'cloudplane templates create -f web.yaml']);

  const list = templates
    .command('list')
    .description('list templates')
    .option('--account <account>', 'only templates of this account (id or name)')
    .option('--limit <n>', 'at most this many', positiveInt, 500)
    .action(
      action(deps, async (ctx, o: { account?: string; limit: number }) => {
        const account = o.account ? (await resolveAccount(ctx.client, o.account)).id : undefined;
        const { items, more } = await listAll(ctx.client, TemplateView, '/v1/templates', { account }, o.limit);
        ctx.out.list(items, columns, 'templates');
        if (more) ctx.out.info('more templates exist; raise --limit to see them');
      }),
    );
  examples(list, ['cloudplane templates list', 'cloudplane templates list --account lab -o json']);

  const get = templates
    .command('get')
    .description('show one template')
    .argument('<template>', 'template id or name')
    .action(action(deps, async (ctx, ref: string) => show(ctx, await resolveTemplate(ctx.client, ref))));
  examples(get, ['cloudplane templates get web', 'cloudplane templates get web -o yaml']);

  const create = templates
    .command('create')
    .description("save a template from a JSON or YAML file (checked against the account's catalog)")
    .requiredOption('-f, --file <path>', 'the template as JSON or YAML (- for stdin)')
    .option('--name <name>', "the template's name (over the file's)")
    .option('--account <account>', "the account, by id or name (over the file's)")
    .option('--idempotency-key <key>', 'send this Idempotency-Key, so a retry cannot create twice')
    .action(
      action(deps, async (ctx, f: CreateFlags) => {
        const body = await createBody(ctx, f);
        const t = await ctx.client.call(TemplateView, 'POST', '/v1/templates', {
          body,
          idempotencyKey: f.idempotencyKey,
        });
        ctx.out.info(`created template ${t.name} (${t.id})`);
        show(ctx, t);
      }),
    );
  create.addHelpText(
    'after',
    `
A template file (YAML; JSON works too):
  name: web
  account: lab            # account name or id (or accountId: <uuid>)
  namePrefix: web         # optional: machine names start with it
  spec:
    zone: <zone id>       # see GET /v1/accounts/{id}/zones
    instanceType: <flavor id>
    image: <image id>
    tags: { team: web }`,
  );
  examples(create, [
    'cloudplane templates create -f web.yaml',
    'cloudplane templates create -f web.json --account lab --name web-2',
  ]);

  const del = templates
    .command('delete')
    .description('delete a template whose group is empty and idle')
    .argument('<template>', 'template id or name')
    .action(
      action(deps, async (ctx, ref: string) => {
        const t = await resolveTemplate(ctx.client, ref);
        await ctx.client.send('DELETE', `/v1/templates/${t.id}`);
        ctx.out.result(`deleted template ${t.name} (${t.id})`, { id: t.id, deleted: true });
      }),
    );
  examples(del, ['cloudplane templates delete web']);
}
