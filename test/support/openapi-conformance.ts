/**
 * Checks answers against the committed OpenAPI document the way a validating
 * proxy would: the status must be one the operation lists, the media type one
 * its answer lists, and the body must match that answer's schema (ajv, JSON
 * Schema 2020-12, as OpenAPI 3.1 says). Records which statuses each
 * operation was seen answering, so a test can ask what it has not driven.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { expect } from 'vitest';

type Json = Record<string, any>;
export interface Answer {
  statusCode: number;
  headers: Record<string, unknown>;
  body: string;
}

// ajv-formats is CommonJS with a default export.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;

export function loadContract() {
  const doc = JSON.parse(readFileSync(new URL('../../openapi/openapi.json', import.meta.url), 'utf8')) as Json;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: 'openapi', components: doc.components });
  const compiled = new Map<string, ValidateFunction>();
  const seen = new Map<string, Set<number>>();

  const resolve = (node: Json): Json => (node.$ref ? resolve(pointer(doc, node.$ref as string)) : node);

  function operation(method: string, path: string): Json {
    const op = doc.paths[path]?.[method.toLowerCase()];
    if (!op) throw new Error(`the document has no ${method} ${path}`);
    return op;
  }

  function validator(key: string, schema: Json): ValidateFunction {
    let fn = compiled.get(key);
    if (!fn) {
      // Refs inside the document are relative to it; here they point into the schema registered above.
      const text = JSON.stringify(schema).replaceAll('"#/components/', '"openapi#/components/');
      fn = ajv.compile(JSON.parse(text));
      compiled.set(key, fn);
    }
    return fn;
  }

  return {
    doc,
    operation,
    /** Asserts the answer is one the document describes for `method path` (path as templated there). */
    conform(res: Answer, method: string, path: string): Answer {
      const op = operation(method, path);
      const where = `${op.operationId} answered ${res.statusCode}: ${res.body.slice(0, 300)}`;
      const listed = op.responses[String(res.statusCode)];
      expect(listed, where).toBeDefined();
      const response = resolve(listed);
      if (res.body !== '') {
        const media = String(res.headers['content-type'] ?? '').split(';')[0]!;
        expect(Object.keys(response.content ?? {}), where).toContain(media);
        if (media.endsWith('json')) {
          const validate = validator(`${op.operationId} ${res.statusCode} ${media}`, response.content[media].schema);
          const ok = validate(JSON.parse(res.body));
          expect(ok, `${where}\n${JSON.stringify(validate.errors, null, 1)}`).toBe(true);
        }
      }
      const statuses = seen.get(op.operationId) ?? new Set<number>();
      statuses.add(res.statusCode);
      seen.set(op.operationId, statuses);
      return res;
    },
    /** The error statuses the document lists for an operation that no checked answer had. */
    undriven(method: string, path: string): number[] {
      const op = operation(method, path);
      const got = seen.get(op.operationId) ?? new Set<number>();
      return Object.keys(op.responses)
        .map(Number)
        .filter((s) => s >= 400 && !got.has(s));
    },
  };
}

function pointer(doc: Json, ref: string): Json {
  return ref
    .slice(2)
    .split('/')
    .map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce((node: Json, key) => node[key], doc);
}
