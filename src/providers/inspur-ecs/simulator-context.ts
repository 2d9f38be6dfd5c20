/**
 * What the Inspur ECS simulator's route modules share: the engine, settings, the caller of a
 * request, and the envelope every answer is wrapped in (`{code, message, data}`, catalog §2.4).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SimEngine } from '../../sim/index.ts';
import { type ErrorName, type Language, type WireRefusal, refusal } from './simulator-errors.ts';
import type { InspurTenant } from './simulator-seed.ts';

export interface InspurContext {
  engine: SimEngine;
  tenants: readonly InspurTenant[];
  language: Language;
  statusCase: 'lower' | 'upper';
  consoleHost: string;
  maxPrivateImages: number | null;
  /** Tenant of an authenticated request (set by the auth hook). */
  tenantOf(req: FastifyRequest): InspurTenant;
}

/**
 * A7: a success answer. `code` keeps the type each example shows (the List Servers example
 * sends the string "200"); `message: undefined` leaves the field out, as the delete example
 * does, and `data: undefined` leaves `data` out, as the batch action examples do.
 */
export function ok(
  reply: FastifyReply,
  body: { code?: number | string; message?: string | undefined; data?: unknown },
  http = 200,
): FastifyReply {
  const out: Record<string, unknown> = { code: body.code ?? 200 };
  if (body.message !== undefined) out.message = body.message;
  if (body.data !== undefined) out.data = body.data;
  return reply.code(http).send(out);
}

/** A refusal in the envelope; `data` is null unless the refusal carries details (A14). */
export function sendRefusal(reply: FastifyReply, r: WireRefusal): FastifyReply {
  return reply.code(r.http).send({ code: r.code, message: r.message, data: r.data ?? null });
}

export function fail(
  reply: FastifyReply,
  ctx: InspurContext,
  name: ErrorName,
  arg?: string,
  data?: unknown,
): FastifyReply {
  return sendRefusal(reply, refusal(name, ctx.language, arg, data));
}

/** The first failing field of a zod error, for the `参数xxx不符合规范` message. */
export function fieldOf(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey> }>, fallback: string): string {
  const path = issues[0]?.path;
  const last = path && path.length > 0 ? path[path.length - 1] : undefined;
  return typeof last === 'string' ? last : fallback;
}
