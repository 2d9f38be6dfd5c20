/** /v1/templates: saved machine specs, each also the group that expand and shrink act on. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CreateTemplate, Template, UpdateTemplate } from '../domain/template.ts';
import { PageQuery, pageOf } from './pagination.ts';
import { IncludeDeleted } from './include-deleted.ts';
import type { TemplateService } from './template-service.ts';

const IdParams = z.object({ id: z.uuid() });

export const templateRoutes: FastifyPluginAsyncZod<{ templates: TemplateService }> = async (app, { templates }) => {
  const tags = ['templates'];

  app.post(
    '/v1/templates',
    {
      config: { scope: 'write', idempotent: true },
      schema: {
        tags,
        summary: "Save a machine spec (checked against the account's catalog)",
        body: CreateTemplate,
        response: { 201: Template },
      },
    },
    async (req, reply) => {
      const template = await templates.create(req.body);
      reply.code(201).header('location', `/v1/templates/${template.id}`);
      return template;
    },
  );

  app.get(
    '/v1/templates',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        summary: 'List templates',
        querystring: PageQuery.extend({ account: z.uuid().optional(), ...IncludeDeleted.shape }),
        response: { 200: pageOf(Template) },
      },
    },
    async (req) => templates.list(req.query.limit, req.query.cursor, req.query.account, req.query.includeDeleted),
  );

  app.get(
    '/v1/templates/:id',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        summary: 'Get a template',
        params: IdParams,
        querystring: IncludeDeleted,
        response: { 200: Template },
      },
    },
    async (req) => templates.get(req.params.id, req.query.includeDeleted),
  );

  app.patch(
    '/v1/templates/:id',
    {
      config: { scope: 'write' },
      schema: {
        tags,
        summary: 'Change a template',
        params: IdParams,
        body: UpdateTemplate,
        response: { 200: Template },
      },
    },
    async (req) => templates.update(req.params.id, req.body),
  );

  app.delete(
    '/v1/templates/:id',
    {
      config: { scope: 'write' },
      schema: {
        tags,
        summary: 'Delete a template whose group is empty and idle',
        description:
          'On a platform that keeps the group itself and cannot remove it (BridgX clusters), the template goes and the platform keeps its group: the `Cloudplane-Platform-Group-Kept` header names it. The template is kept, hidden, for the history of its tasks (see `includeDeleted`); it can no longer be expanded, and its name can be used again.',
        params: IdParams,
        response: { 204: z.null() },
      },
    },
    async (req, reply) => {
      const { groupKept } = await templates.remove(req.params.id);
      if (groupKept) reply.header('cloudplane-platform-group-kept', groupKept);
      return reply.code(204).send(null);
    },
  );
};
