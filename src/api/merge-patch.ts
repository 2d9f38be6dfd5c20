/**
 * JSON Merge Patch (RFC 7396), the meaning of every PATCH body here: a member set to a value
 * replaces it, a member set to null removes it, an object merges into the object it names, and
 * anything that is not an object (an array, a string) replaces the target whole. The algorithm is
 * the RFC's own (section 2), a dozen lines; the result is validated by the resource's schema
 * afterwards, like any body.
 */
import type { FastifyInstance } from 'fastify';

export const MERGE_PATCH_CONTENT_TYPE = 'application/merge-patch+json';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const result: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    // defineProperty: a member named "__proto__" stays a plain member, never the prototype.
    else
      Object.defineProperty(result, key, {
        value: mergePatch(result[key], value),
        enumerable: true,
        writable: true,
        configurable: true,
      });
  }
  return result;
}

/** Lets a route plugin's PATCH routes take `application/merge-patch+json` beside `application/json`. */
export function acceptMergePatch(app: FastifyInstance): void {
  app.addContentTypeParser(MERGE_PATCH_CONTENT_TYPE, { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'));
}
