/** `cloudplane usage`: machine-hours per day, from the platforms' cost APIs and the instance lifetimes. */
import type { Command } from 'commander';
import { z } from 'zod';
import { resolveAccount, resolveTemplate } from '../resolve.ts';
import { action, type Deps } from './action.ts';
import { examples } from './options.ts';

const UsageRow = z.looseObject({
  day: z.string(),
  accountId: z.string().nullable(),
  templateId: z.string().nullable(),
  machineHours: z.number(),
  machines: z.number(),
  source: z.string(),
  timeZone: z.string(),
});

const today = () => new Date().toISOString().slice(0, 10);

export function registerUsage(program: Command, deps: Deps) {
  const cmd = program
    .command('usage')
    .description('machine-hours per day (each row says its source and the time zone of its day)')
    .option('--from <date>', 'first day, YYYY-MM-DD (default: 7 days ago)')
    .option('--to <date>', 'last day, YYYY-MM-DD (default: today)')
    .option('--account <account>', 'only this account (id or name)')
    .option('--template <template>', 'only this template (id or name)')
    .option('--group-by <by>', 'day, template or account', 'day')
    .action(
      action(
        deps,
        async (ctx, opts: { from?: string; to?: string; account?: string; template?: string; groupBy: string }) => {
          const to = opts.to ?? today();
          const from = opts.from ?? new Date(Date.parse(to) - 6 * 86_400_000).toISOString().slice(0, 10);
          const query = new URLSearchParams({ from, to, groupBy: opts.groupBy });
          if (opts.account) query.set('account', (await resolveAccount(ctx.client, opts.account)).id);
          if (opts.template) query.set('template', (await resolveTemplate(ctx.client, opts.template)).id);
          const { items } = await ctx.client.call(
            z.looseObject({ items: z.array(UsageRow) }),
            'GET',
            `/v1/usage?${query.toString()}`,
          );
          ctx.out.list(
            items,
            [
              { header: 'DAY', value: (r) => r.day },
              ...(opts.groupBy === 'account'
                ? [{ header: 'ACCOUNT', value: (r: z.infer<typeof UsageRow>) => r.accountId }]
                : []),
              ...(opts.groupBy === 'template'
                ? [{ header: 'TEMPLATE', value: (r: z.infer<typeof UsageRow>) => r.templateId }]
                : []),
              { header: 'MACHINE-HOURS', value: (r) => r.machineHours },
              { header: 'MACHINES', value: (r) => r.machines },
              { header: 'SOURCE', value: (r) => r.source },
              { header: 'ZONE', value: (r) => r.timeZone },
            ],
            'usage',
          );
        },
      ),
    );
  examples(cmd, [
    'cloudplane usage',
    'cloudplane usage --from 2026-11-01 --to 2026-11-30 --group-by template',
    'cloudplane usage --account prod-bridgx -o json',
  ]);
}
