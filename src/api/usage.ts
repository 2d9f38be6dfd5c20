/** Machine-hours per day, by day, template or account (see src/inventory/usage.ts for the sources). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Usage } from '../inventory/usage.ts';
import { validationFailed } from './validation.ts';

const Day = z.iso.date().describe('A calendar date, YYYY-MM-DD');
/** A year of days at most: the answer stays small and the lifetimes query bounded. */
const MAX_DAYS = 366;

const UsageQuery = z.object({
  from: Day,
  to: Day,
  account: z.uuid().optional(),
  template: z.uuid().optional(),
  groupBy: z.enum(['day', 'template', 'account']).default('day'),
});

const UsageRow = z
  .object({
    day: Day,
    accountId: z.uuid().nullable().describe('Set when grouped by account'),
    templateId: z.uuid().nullable().describe('Set when grouped by template (null: machines of no template)'),
    machineHours: z.number(),
    machines: z.number().int(),
    source: z
      .enum(['platform', 'lifetimes'])
      .describe("`platform`: the platform's cost API; `lifetimes`: the instance records (launch to delete)"),
    timeZone: z.string().describe('The zone of `day`: UTC for lifetimes, the platform’s own for its cost API'),
  })
  .meta({ id: 'UsageRow' });

export const usageRoutes: FastifyPluginAsyncZod<{ usage: Usage }> = async (app, { usage }) => {
  app.get(
    '/v1/usage',
    {
      config: { scope: 'read' },
      schema: {
        operationId: 'getUsage',
        tags: ['usage'],
        summary: 'Machine-hours per day',
        description:
          "From each platform's cost API where it has one, and from the instance records (first seen running, or launched, until deleted) for every other account; each row names its source and the time zone of its day.",
        querystring: UsageQuery,
        response: { 200: z.object({ from: Day, to: Day, groupBy: z.string(), items: z.array(UsageRow) }) },
        // Accounts with a cost API are read from their platform (only those: never 501).
        contract: { problems: ['budget-exhausted', 'provider-refused', 'provider-failed', 'provider-timeout'] },
      },
    },
    async (req) => {
      const q = req.query;
      const days = (Date.parse(q.to) - Date.parse(q.from)) / 86_400_000;
      if (days < 0) throw validationFailed([{ in: 'query', pointer: '/to', detail: 'must not be before from' }]);
      if (days >= MAX_DAYS)
        throw validationFailed([{ in: 'query', pointer: '/to', detail: `at most ${MAX_DAYS} days per request` }]);
      return { from: q.from, to: q.to, groupBy: q.groupBy, items: await usage.query(q) };
    },
  );
};
