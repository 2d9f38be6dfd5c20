/**
 * Runs every request inside its audit context: changes recorded while it
 * is served name its API key (id and name), its `Cloudplane-Reason` header
 * and its request id (see db/audit.ts). Also makes the audit log
 * reachable from route handlers as `app.audit`, for platform actions
 * recorded right after the platform accepted them.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { actingAs, type AuditActor, type AuditLog } from '../db/audit.ts';
import { ApiError } from '../domain/errors.ts';

declare module 'fastify' {
  interface FastifyInstance {
    audit: AuditLog;
  }
}

export const REASON_HEADER = 'cloudplane-reason';
const MAX_REASON = 500;

function reasonOf(req: FastifyRequest): string | null {
  const raw = req.headers[REASON_HEADER];
  const value = (Array.isArray(raw) ? raw[0] : raw)?.trim();
  return value ? value : null;
}

export const auditContextPlugin = fp<{ audit: AuditLog }>(
  async (app: FastifyInstance, { audit }) => {
    app.decorate('audit', audit);
    // After parsing, so the handler and the hooks after this one run inside the context.
    app.addHook('preValidation', (req, _reply, done) => {
      const reason = reasonOf(req);
      if (reason && reason.length > MAX_REASON) {
        done(
          new ApiError('validation-failed', `${REASON_HEADER} must be at most ${MAX_REASON} characters`, {
            errors: [{ in: 'header', pointer: `/${REASON_HEADER}`, detail: `at most ${MAX_REASON} characters` }],
          }),
        );
        return;
      }
      const actor = (): AuditActor => ({
        keyId: req.principal?.keyId ?? null,
        name: req.principal?.name ?? 'anonymous',
        reason,
        requestId: String(req.id),
      });
      actingAs(actor, done);
    });
  },
  { name: 'audit-context', dependencies: ['auth'] },
);
