/** GET /v1/audit: every change made through the API, newest first (admin keys only; see docs/audit.md). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AuditEntry, AuditResourceType } from '../domain/audit.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { toAuditView, type AuditLog } from '../db/audit.ts';
import { keyset, PageQuery, pageOf, toPage } from './pagination.ts';

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
    async (req) => {
      const q = req.query;
      const page = keyset('at', 'desc', q.cursor);
      const rows = await audit.page(
        {
          AND: [
            page.where,
            {
              resourceType: q.resourceType,
              resourceId: q.resourceId,
              actorKeyId: q.actor,
              action: q.action,
              at:
                q.since || q.until
                  ? { gte: q.since && new Date(q.since), lt: q.until && new Date(q.until) }
                  : undefined,
            },
          ],
        },
        page.orderBy as Prisma.AuditEntryOrderByWithRelationInput[],
        q.limit + 1,
      );
      return toPage(rows, q.limit, (r) => r.at, toAuditView);
    },
  );
};
