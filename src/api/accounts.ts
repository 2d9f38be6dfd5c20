/** /v1/accounts: provider accounts, their credential check and their catalogs. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Account, CreateAccount, UpdateAccount } from '../domain/account.ts';
import { Image, InstanceType, Region, Zone } from '../domain/catalog.ts';
import { ProviderKind } from '../domain/providers.ts';
import type { AccountService } from './account-service.ts';
import { acceptMergePatch, MERGE_PATCH_CONTENT_TYPE } from './merge-patch.ts';
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
const Verified = z
  .object({ ok: z.literal(true), provider: ProviderKind, latencyMs: z.number() })
  .meta({ id: 'AccountVerification' });

const CATALOG_ROUTES = [
  ['regions', Region, 'Regions', 'listRegions'],
  ['zones', Zone, 'Availability zones', 'listZones'],
  ['instance-types', InstanceType, 'Instance types (flavors)', 'listInstanceTypes'],
  ['images', Image, 'Images', 'listImages'],
] as const;

export const accountRoutes: FastifyPluginAsyncZod<{ accounts: AccountService }> = async (app, { accounts }) => {
  const tags = ['accounts'];
  // PATCH bodies are JSON Merge Patches (RFC 7396), sent as application/merge-patch+json or plain JSON.
  acceptMergePatch(app);

  app.post(
    '/v1/accounts',
    {
      config: { scope: 'admin', idempotent: true },
      schema: {
        operationId: 'createAccount',
        tags,
        summary: 'Register a provider account',
        body: CreateAccount,
        response: { 201: Account },
        contract: { problems: ['conflict'], headers: { 201: ['location'] } },
      },
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
        operationId: 'listAccounts',
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
        operationId: 'getAccount',
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
      schema: {
        operationId: 'updateAccount',
        tags,
        summary: 'Change an account (JSON Merge Patch)',
        description:
          'The body is a JSON Merge Patch (RFC 7396): members given replace, null removes one, `options` and `credentials` merge into what is stored. Credentials are never returned.',
        consumes: [MERGE_PATCH_CONTENT_TYPE, 'application/json'],
        params: IdParams,
        body: UpdateAccount,
        response: { 200: Account },
        contract: { problems: ['conflict'] },
      },
    },
    async (req) => accounts.update(req.params.id, req.body),
  );

  app.delete(
    '/v1/accounts/:id',
    {
      config: { scope: 'admin' },
      schema: {
        tags,
        operationId: 'deleteAccount',
        summary: 'Delete an account without templates or live machines',
        description:
          'The account is kept, hidden, for the history of its tasks (see `includeDeleted`); its credentials are erased and its name can be used again.',
        params: IdParams,
        response: { 204: z.null() },
        contract: { problems: ['conflict'] },
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
        operationId: 'verifyAccount',
        summary: "Check that the account's credentials work",
        params: IdParams,
        response: { 200: Verified },
        contract: { platform: true },
      },
    },
    async (req) => accounts.verify(req.params.id),
  );

  for (const [kind, item, summary, operationId] of CATALOG_ROUTES) {
    app.get(
      `/v1/accounts/:id/${kind}`,
      {
        config: { scope: 'read' },
        schema: {
          operationId,
          tags: ['catalog'],
          summary,
          params: IdParams,
          querystring: RefreshQuery,
          response: { 200: z.object({ items: z.array(item) }) },
          contract: { platform: true },
        },
      },
      async (req) => ({
        items: (await accounts.catalogOf(req.params.id, kind, req.query.refresh)) as z.infer<typeof item>[],
      }),
    );
  }
};
