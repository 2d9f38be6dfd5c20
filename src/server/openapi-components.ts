/**
 * Tidies the named schemas of the generated document. fastify-type-provider-zod
 * emits every schema registered with an id twice — `X` as answered and
 * `XInput` as accepted — whether or not an operation uses it. Here a schema
 * keeps its plain name when only one of the two is used or both are the same,
 * and schemas nothing refers to are dropped.
 */
import { isDeepStrictEqual } from 'node:util';

type Json = Record<string, unknown>;
const PREFIX = '#/components/schemas/';

function walk(value: unknown, visit: (node: Json) => void): void {
  if (Array.isArray(value)) value.forEach((v) => walk(v, visit));
  else if (value && typeof value === 'object') {
    visit(value as Json);
    Object.values(value).forEach((v) => walk(v, visit));
  }
}

/** Names of the schemas reachable from the paths (following refs between schemas). */
function referenced(doc: Json, schemas: Record<string, unknown>): Set<string> {
  const seen = new Set<string>();
  const queue: unknown[] = [doc.paths, (doc.components as Json | undefined)?.responses];
  while (queue.length) {
    walk(queue.pop(), (node) => {
      const ref = node.$ref;
      if (typeof ref !== 'string' || !ref.startsWith(PREFIX)) return;
      const name = ref.slice(PREFIX.length);
      if (seen.has(name)) return;
      seen.add(name);
      queue.push(schemas[name]);
    });
  }
  return seen;
}

function renameRefs(doc: Json, from: string, to: string): void {
  walk(doc, (node) => {
    if (node.$ref === PREFIX + from) node.$ref = PREFIX + to;
  });
}

export function tidySchemas(doc: Json): Json {
  const components = (doc.components ?? {}) as Json;
  const schemas = { ...((components.schemas ?? {}) as Record<string, unknown>) };
  let used = referenced(doc, schemas);
  for (const name of Object.keys(schemas)) {
    if (!name.endsWith('Input')) continue;
    const plain = name.slice(0, -'Input'.length);
    if (!(plain in schemas) || !used.has(name)) continue;
    if (!used.has(plain) || isDeepStrictEqual(schemas[plain], schemas[name])) {
      if (!used.has(plain)) schemas[plain] = schemas[name];
      renameRefs(doc, name, plain);
      renameRefs(schemas, name, plain);
      delete schemas[name];
      used = referenced(doc, schemas);
    }
  }
  const kept = Object.fromEntries(
    Object.keys(schemas)
      .filter((n) => used.has(n))
      .sort()
      .map((n) => [n, schemas[n]]),
  );
  return { ...doc, components: { ...components, schemas: kept } };
}
