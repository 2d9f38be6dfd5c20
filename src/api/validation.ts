/** Checks that run after route validation (a provider's credential shape, a spec against a catalog) report like it. */
import type { z } from 'zod';
import { ApiError, type FieldError } from '../domain/errors.ts';

export function fieldErrors(issues: readonly z.core.$ZodIssue[], where: string, prefix: string): FieldError[] {
  return issues.map((i) => ({
    in: where,
    pointer: `${prefix}/${i.path.map(String).join('/')}`.replace(/\/$/, '') || '/',
    detail: i.message,
  }));
}

export function validationFailed(errors: FieldError[]): ApiError {
  return new ApiError('validation-failed', errors.map((e) => `${e.in} ${e.pointer}: ${e.detail}`).join('; '), {
    errors,
  });
}

/** Parses with a schema chosen at run time (e.g. the provider's credentials), failing as a 422 with pointers. */
export function parseAt<T>(schema: z.ZodType<T>, value: unknown, where: string, prefix: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw validationFailed(fieldErrors(result.error.issues, where, prefix));
  return result.data;
}
