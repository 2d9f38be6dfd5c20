/** Admin routes to mint, list and revoke API keys. A key is shown once, at creation. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { notFound } from '../domain/errors.ts';
import { Scope } from '../domain/scopes.ts';
import type { ApiKeyRepository } from '../db/api-keys.ts';
import { keyset, PageQuery, pageOf, toPage } from './pagination.ts';

const ApiKey = z.object({
  id: z.uuid(),
  name: z.string(),
  prefix: z.string().describe('The first characters of the key, to tell keys apart'),
  scopes: z.array(Scope),
  createdAt: z.date(),
  lastUsedAt: z.date().nullable(),
  revokedAt: z.date().nullable(),
});
const CreatedApiKey = ApiKey.extend({ key: z.string().describe('The key itself; shown only in this answer') });
const CreateApiKey = z.object({
  name: z.string().trim().min(1).max(100),
  scopes: z.array(Scope).min(1).max(3),
});
const IdParams = z.object({ id: z.uuid() });

export const apiKeyRoutes: FastifyPluginAsyncZod<{ apiKeys: ApiKeyRepository }> = async (app, { apiKeys }) => {
  const tags = ['api-keys'];

  // Not idempotent on purpose: replaying the answer would mean storing the new key itself.
  app.post(
    '/v1/api-keys',
    {
      config: { scope: 'admin' },
      schema: { tags, summary: 'Create an API key', body: CreateApiKey, response: { 201: CreatedApiKey } },
    },
    async (req, reply) => {
      const { key, view } = await apiKeys.create(req.body.name, [...new Set(req.body.scopes)]);
      reply.code(201).header('cache-control', 'no-store');
      return { ...view, key };
    },
  );

  app.get(
    '/v1/api-keys',
    {
      config: { scope: 'admin' },
      schema: { tags, summary: 'List API keys', querystring: PageQuery, response: { 200: pageOf(ApiKey) } },
    },
    async (req) => {
      const page = keyset('createdAt', 'asc', req.query.cursor);
      const rows = await apiKeys.page(page.where, page.orderBy, req.query.limit + 1);
      return toPage(
        rows,
        req.query.limit,
        (r) => r.createdAt,
        (r) => r,
      );
    },
  );

  app.delete(
    '/v1/api-keys/:id',
    {
      config: { scope: 'admin' },
      schema: { tags, summary: 'Revoke an API key', params: IdParams, response: { 200: ApiKey } },
    },
    async (req) => {
      const view = await apiKeys.revoke(req.params.id);
      if (!view) throw notFound('api key', req.params.id);
      return view;
    },
  );
};
