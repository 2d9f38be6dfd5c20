/** `cloudplane providers`: the platform kinds this deployment speaks to and what each can do. */
import type { Command } from 'commander';
import { z } from 'zod';
import { ProviderView } from '../schemas.ts';
import { action, type Deps } from './action.ts';
import { examples } from './options.ts';

export function registerProviders(program: Command, deps: Deps) {
  const cmd = program
    .command('providers')
    .description('list the provider kinds and their capabilities')
    .action(
      action(deps, async (ctx) => {
        const { items } = await ctx.client.call(
          z.looseObject({ items: z.array(ProviderView) }),
          'GET',
          '/v1/providers',
        );
        ctx.out.list(
          items,
          [
            { header: 'KIND', value: (p) => p.kind },
            { header: 'TITLE', value: (p) => p.title },
            { header: 'CAPABILITIES', value: (p) => p.capabilities.length },
            {
              header: 'SCALING',
              value: (p) =>
                p.scaling ??
                (p.capabilities.some((c) => c === 'instances.create' || c === 'groups.expand') ? 'yes' : 'no'),
            },
            { header: 'LIST LAG', value: (p) => (p.listLagMs === undefined ? null : `${p.listLagMs}ms`) },
          ],
          'providers',
        );
      }),
    );
  examples(cmd, ['cloudplane providers', "cloudplane providers -o json | jq '.[].capabilities'"]);
}
