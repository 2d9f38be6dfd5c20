/** /v1/accounts: provider accounts, their credential check and their catalogs. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Account, CreateAccount, UpdateAccount } from '../domain/account.ts';
import { Image, InstanceType, Region, Zone } from '../domain/catalog.ts';
import { ProviderKind } from '../domain/providers.ts';
import type { AccountService } from './account-service.ts';
import { PageQuery, pageOf } from './pagination.ts';
import { IncludeDeleted } from './include-deleted.ts';

const IdParams = z.object({ id: z.uuid() });
const RefreshQuery = z.object({
  refresh: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true')
    .describe('Bypass the short catalog cache'),
});
const Verified = z.object({ ok: z.literal(true), provider: ProviderKind, latencyMs: z.number() });

const CATALOG_ROUTES = [
  ['regions', Region, 'Regions'],
  ['zones', Zone, 'Availability zones'],
  ['instance-types', InstanceType, 'Instance types (flavors)'],
  ['images', Image, 'Images'],
] as const;

export const accountRoutes: FastifyPluginAsyncZod<{ accounts: AccountService }> = async (app, { accounts }) => {
  const tags = ['accounts'];

  app.post(
    '/v1/accounts',
    {
      config: { scope: 'admin', idempotent: true },
      schema: { tags, summary: 'Register a provider account', body: CreateAccount, response: { 201: Account } },
    },
    async (req, reply) => {
      const account = await accounts.create(req.body);
      reply.code(201).header('location', `/v1/accounts/${account.id}`);
      return account;
    },
  );

  app.get(
    '/v1/accounts',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        summary: 'List accounts',
        querystring: PageQuery.extend(IncludeDeleted.shape),
        response: { 200: pageOf(Account) },
      },
    },
    async (req) => accounts.list(req.query.limit, req.query.cursor, req.query.includeDeleted),
  );

  app.get(
    '/v1/accounts/:id',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        summary: 'Get an account',
        params: IdParams,
        querystring: IncludeDeleted,
        response: { 200: Account },
      },
    },
    async (req) => accounts.get(req.params.id, req.query.includeDeleted),
  );

  app.patch(
    '/v1/accounts/:id',
    {
      config: { scope: 'admin' },
      schema: { tags, summary: 'Change an account', params: IdParams, body: UpdateAccount, response: { 200: Account } },
    },
    async (req) => accounts.update(req.params.id, req.body),
  );

  app.delete(
    '/v1/accounts/:id',
    {
      config: { scope: 'admin' },
      schema: {
        tags,
        summary: 'Delete an account without templates or live machines',
        description:
          'The account is kept, hidden, for the history of its tasks (see `includeDeleted`); its credentials are erased and its name can be used again.',
        params: IdParams,
        response: { 204: z.null() },
      },
    },
    async (req, reply) => {
      await accounts.remove(req.params.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/v1/accounts/:id/verify',
    {
      config: { scope: 'write' },
      schema: {
        tags,
        summary: "Check that the account's credentials work",
        params: IdParams,
        response: { 200: Verified },
      },
    },
    async (req) => accounts.verify(req.params.id),
  );

  for (const [kind, item, summary] of CATALOG_ROUTES) {
    app.get(
      `/v1/accounts/:id/${kind}`,
      {
        config: { scope: 'read' },
        schema: {
          tags: ['catalog'],
          summary,
          params: IdParams,
          querystring: RefreshQuery,
          response: { 200: z.object({ items: z.array(item) }) },
        },
      },
      async (req) => ({
        items: (await accounts.catalogOf(req.params.id, kind, req.query.refresh)) as z.infer<typeof item>[],
      }),
    );
  }
};
