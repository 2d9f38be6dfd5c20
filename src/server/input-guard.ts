/**
 * One rule for every route, before its own validation: no NUL character in
 * any string or key of the body, query or path. PostgreSQL cannot store one
 * in text or jsonb, so letting it through would fail late — possibly after
 * a platform had already acted on the request.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { ApiError, type FieldError } from '../domain/errors.ts';

function findNul(value: unknown, pointer: string, found: string[]): void {
  if (found.length >= 10) return;
  if (typeof value === 'string') {
    if (value.includes('\u0000')) found.push(pointer || '/');
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => findNul(v, `${pointer}/${i}`, found));
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k.includes('\u0000')) found.push(`${pointer}/${k.replace(/\u0000/g, '')}`);
      findNul(v, `${pointer}/${k}`, found);
    }
  }
}

export const inputGuardPlugin = fp(
  async (app: FastifyInstance) => {
    app.addHook('preValidation', async (req) => {
      const errors: FieldError[] = [];
      for (const [where, value] of [
        ['body', req.body],
        ['query', req.query],
        ['path', req.params],
      ] as const) {
        const found: string[] = [];
        findNul(value, '', found);
        errors.push(...found.map((pointer) => ({ in: where, pointer, detail: 'must not contain a NUL character' })));
      }
      if (errors.length) {
        throw new ApiError('validation-failed', errors.map((e) => `${e.in} ${e.pointer}: ${e.detail}`).join('; '), {
          errors,
        });
      }
    });
  },
  { name: 'input-guard' },
);
