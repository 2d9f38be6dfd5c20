/** GET /v1/audit: every change made through the API, newest first (admin keys only; see docs/audit.md). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AuditEntry, AuditResourceType } from '../domain/audit.ts';
import type { AuditLog } from './audit-log.ts';
import { PageQuery, pageOf } from './pagination.ts';

const instant = z.iso.datetime({ offset: true });

const AuditQuery = PageQuery.extend({
  resourceType: AuditResourceType.optional(),
  resourceId: z.string().min(1).max(200).optional(),
  actor: z.uuid().optional().describe('Only changes made with this API key (its id)'),
  action: z
    .string()
    .regex(/^[a-z_]+\.[a-z_]+$/, 'an action such as template.update')
    .optional(),
  since: instant.optional().describe('Only changes at or after this instant'),
  until: instant.optional().describe('Only changes before this instant'),
});

export const auditRoutes: FastifyPluginAsyncZod<{ audit: AuditLog }> = async (app, { audit }) => {
  app.get(
    '/v1/audit',
    {
      config: { scope: 'admin' },
      schema: {
        tags: ['audit'],
        summary: 'The audit log: who changed what, when and why',
        description:
          'One entry per change to accounts, templates, instances, tasks and API keys, with the API key that made it, before/after snapshots (secrets removed) and the `Cloudplane-Reason` header.',
        querystring: AuditQuery,
        response: { 200: pageOf(AuditEntry) },
      },
    },
    async (req) =>
      audit.list({
        ...req.query,
        since: req.query.since ? new Date(req.query.since) : undefined,
        until: req.query.until ? new Date(req.query.until) : undefined,
      }),
  );
};
