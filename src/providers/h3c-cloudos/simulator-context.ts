/** What the H3C simulator's route modules share: engine, identities, settings, error helper. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { SimEngine, TokenInfo } from '../../sim/index.ts';
import type { H3cProject, H3cUser } from './simulator-seed.ts';

export interface H3cContext {
  engine: SimEngine;
  projects: H3cProject[];
  users: H3cUser[];
  tokenTtlMs: number;
  consoleUrlKey: 'url' | 'URI';
  maxInstancesPerTenant: number | null;
  /** Token of an authenticated request (set by the auth hook). */
  caller(req: FastifyRequest): TokenInfo;
}

/** The document's error body (L41–L73): `code` is a string, `data` null, `total` 0. */
export function h3cError(status: number, msg: string, code?: string) {
  return { code: code ?? String(status), msg, data: null, total: 0 };
}

export function fail(reply: FastifyReply, status: number, msg: string, code?: string): FastifyReply {
  return reply.code(status).send(h3cError(status, msg, code));
}

/** First zod issue as a Nova-like message naming the field. */
export function invalidInput(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'Invalid input';
  const path = issue.path.join('.');
  return `Invalid input for field/attribute ${path || 'body'}. ${issue.message}`;
}
