/** `cloudplane accounts list|get|add|verify|delete`: provider accounts (by id or name). */
import { Option, type Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { ProviderKind } from '../../domain/providers.ts';
import type { Context } from '../context.ts';
import { UsageError } from '../errors.ts';
import { readDocument } from '../files.ts';
import type { Column } from '../output.ts';
import { listAll, resolveAccount } from '../resolve.ts';
import { AccountView, Verified } from '../schemas.ts';
import { action, type Deps } from './action.ts';
import { examples, keyValue, positiveInt } from './options.ts';

const columns: Column<AccountView>[] = [
  { header: 'ID', value: (a) => a.id },
  { header: 'NAME', value: (a) => a.name },
  { header: 'PROVIDER', value: (a) => a.provider },
  { header: 'ENDPOINT', value: (a) => a.endpoint },
  { header: 'LAST SYNC', value: (a) => a.lastSyncedAt },
];

function show(ctx: Context, a: AccountView) {
  ctx.out.object(a, [
    ['id', a.id],
    ['name', a.name],
    ['provider', a.provider],
    ['endpoint', a.endpoint],
    ['options', a.options],
    ['last sync', a.lastSyncedAt],
    ['created', a.createdAt],
  ]);
}

interface AddFlags {
  file?: string;
  name?: string;
  provider?: string;
  endpoint?: string;
  credentialsFile?: string;
  option?: Record<string, string>;
  idempotencyKey?: string;
}

/** The account body: the file (if any), then the flags over it. Credentials never come from a flag value. */
async function addBody(ctx: Context, f: AddFlags): Promise<Record<string, unknown>> {
  const body: Record<string, unknown> = f.file ? await readDocument(f.file, ctx.io.stdin) : {};
  if (f.name) body.name = f.name;
  if (f.provider) body.provider = f.provider;
  if (f.endpoint) body.endpoint = f.endpoint;
  if (f.credentialsFile) body.credentials = await readDocument(f.credentialsFile, ctx.io.stdin);
  if (f.option) {
    const options = (typeof body.options === 'object' && body.options ? body.options : {}) as Record<string, unknown>;
    for (const [k, v] of Object.entries(f.option)) options[k] = parseYaml(v) as unknown;
    body.options = options;
  }
  const missing = ['name', 'provider', 'endpoint', 'credentials'].filter((k) => body[k] === undefined);
  if (missing.length) throw new UsageError(`the account needs ${missing.join(', ')} (from --file or flags)`);
  return body;
}

export function registerAccounts(program: Command, deps: Deps) {
  const accounts = program.command('accounts').description('provider accounts: list, get, add, verify, delete');
  examples(accounts, ['cloudplane accounts list', 'cloudplane accounts verify lab']);

  const list = accounts
    .command('list')
    .description('list accounts')
    .option('--limit <n>', 'at most this many', positiveInt, 500)
    .action(
      action(deps, async (ctx, o: { limit: number }) => {
        const { items, more } = await listAll(ctx.client, AccountView, '/v1/accounts', {}, o.limit);
        ctx.out.list(items, columns, 'accounts');
        if (more) ctx.out.info(`more accounts exist; raise --limit to see them`);
      }),
    );
  examples(list, ['cloudplane accounts list', 'cloudplane accounts list -o json']);

  const get = accounts
    .command('get')
    .description('show one account')
    .argument('<account>', 'account id or name')
    .action(action(deps, async (ctx, ref: string) => show(ctx, await resolveAccount(ctx.client, ref))));
  examples(get, ['cloudplane accounts get lab', 'cloudplane accounts get 3f0c…-uuid -o yaml']);

  const add = accounts
    .command('add')
    .description('register a provider account (credentials from a file, never from a flag)')
    .option('-f, --file <path>', 'the whole account as JSON or YAML (- for stdin)')
    .option('--name <name>', 'account name')
    .addOption(new Option('--provider <kind>', 'provider kind').choices(ProviderKind.options))
    .option('--endpoint <url>', "the platform's base URL")
    .option(
      '--credentials-file <path>',
      'credentials as JSON or YAML (- for stdin); see `cloudplane providers -o json`',
    )
    .option('--option <key=value>', 'an account option (repeatable); values are read as YAML scalars', keyValue)
    .option('--idempotency-key <key>', 'send this Idempotency-Key, so a retry cannot register twice')
    .action(
      action(deps, async (ctx, f: AddFlags) => {
        const body = await addBody(ctx, f);
        const a = await ctx.client.call(AccountView, 'POST', '/v1/accounts', {
          body,
          idempotencyKey: f.idempotencyKey,
        });
        ctx.out.info(`registered account ${a.name} (${a.id})`);
        show(ctx, a);
      }),
    );
  examples(add, [
    'cloudplane accounts add -f lab-account.yaml',
    'cloudplane accounts add --name lab --provider h3c-cloudos --endpoint http://cloudos.lab:11000 \\\n      --credentials-file creds.yaml --option defaultNetworkId=net-1',
  ]);

  const verify = accounts
    .command('verify')
    .description("check that the account's credentials work")
    .argument('<account>', 'account id or name')
    .action(
      action(deps, async (ctx, ref: string) => {
        const a = await resolveAccount(ctx.client, ref);
        const v = await ctx.client.call(Verified, 'POST', `/v1/accounts/${a.id}/verify`);
        ctx.out.result(`account ${a.name}: credentials work (${v.provider}, ${v.latencyMs} ms)`, v);
      }),
    );
  examples(verify, ['cloudplane accounts verify lab']);

  const del = accounts
    .command('delete')
    .description('delete an account that has no templates or live machines')
    .argument('<account>', 'account id or name')
    .action(
      action(deps, async (ctx, ref: string) => {
        const a = await resolveAccount(ctx.client, ref);
        await ctx.client.send('DELETE', `/v1/accounts/${a.id}`);
        ctx.out.result(`deleted account ${a.name} (${a.id})`, { id: a.id, deleted: true });
      }),
    );
  examples(del, ['cloudplane accounts delete lab']);
}
