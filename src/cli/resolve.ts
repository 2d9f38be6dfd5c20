/**
 * Templates and accounts are named on the command line by id or by name. An
 * id is looked up directly; a name by listing (the API has no name filter),
 * and it must match exactly one resource.
 */
import type { z } from 'zod';
import { NameError, ProblemError } from './errors.ts';
import type { ApiClient, Query } from './http.ts';
import { AccountView, pageOf, TemplateView } from './schemas.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (s: string) => UUID.test(s);

const PAGE = 500;

/** Every item of a list, page by page, up to `max`; `more` tells whether the API had more. */
export async function listAll<S extends z.ZodType>(
  client: ApiClient,
  item: S,
  path: string,
  query: Query = {},
  max = Number.POSITIVE_INFINITY,
): Promise<{ items: z.infer<S>[]; more: boolean }> {
  const schema = pageOf(item);
  const items: z.infer<S>[] = [];
  let cursor: string | undefined;
  for (;;) {
    const limit = Math.min(PAGE, max - items.length);
    const page = await client.call(schema, 'GET', path, { query: { ...query, limit, cursor } });
    items.push(...(page.items as z.infer<S>[]));
    cursor = page.nextCursor ?? undefined;
    if (!cursor) return { items, more: false };
    if (items.length >= max) return { items, more: true };
  }
}

async function resolve<S extends z.ZodType<{ id: string; name: string }>>(
  client: ApiClient,
  schema: S,
  noun: 'template' | 'account',
  collection: string,
  ref: string,
): Promise<z.infer<S>> {
  if (isUuid(ref)) {
    try {
      return await client.call(schema, 'GET', `${collection}/${ref}`);
    } catch (err) {
      // A name may look like an id; only then is a 404 not the final word.
      if (!(err instanceof ProblemError && err.status === 404)) throw err;
    }
  }
  const { items } = await listAll(client, schema, collection);
  const matches = items.filter((i) => i.name === ref);
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) throw new NameError(`no ${noun} is named or has the id "${ref}"`);
  throw new NameError(
    `${matches.length} ${noun}s are named "${ref}" (${matches.map((m) => m.id).join(', ')}); give the id instead`,
  );
}

export const resolveTemplate = (client: ApiClient, ref: string) =>
  resolve(client, TemplateView, 'template', '/v1/templates', ref);

export const resolveAccount = (client: ApiClient, ref: string) =>
  resolve(client, AccountView, 'account', '/v1/accounts', ref);
