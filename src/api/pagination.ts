/**
 * Keyset pagination with opaque cursors, the same for every list: a page
 * costs one indexed range read at any depth. A cursor is the sort key of
 * the last row returned, base64url-encoded JSON; clients must not parse it.
 */
import { z } from 'zod';
import { ApiError } from '../domain/errors.ts';

export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50).describe('Page size, 1–500'),
  cursor: z.string().max(512).optional().describe('`nextCursor` of the previous page'),
});

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable().describe('null on the last page') });

// Years the database can hold and this API could have issued; anything else is not our cursor.
const CursorKey = z.object({
  at: z.iso.datetime().refine((at) => {
    const year = new Date(at).getUTCFullYear();
    return year >= 2000 && year <= 9999;
  }),
  id: z.uuid(),
});
type CursorKey = z.infer<typeof CursorKey>;

export function encodeCursor(key: { at: Date; id: string }): string {
  return Buffer.from(JSON.stringify({ at: key.at.toISOString(), id: key.id })).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): CursorKey | undefined {
  if (cursor === undefined) return undefined;
  try {
    return CursorKey.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    throw new ApiError('validation-failed', 'the cursor is not one this API issued', {
      errors: [{ in: 'query', pointer: '/cursor', detail: 'unknown cursor' }],
    });
  }
}

/**
 * The where-clause fragment and ordering for a (timestamp, id) keyset.
 * Rows strictly after the cursor in the given direction.
 */
export function keyset(field: string, direction: 'asc' | 'desc', cursor: string | undefined) {
  const key = decodeCursor(cursor);
  const op = direction === 'asc' ? 'gt' : 'lt';
  const where = key
    ? { OR: [{ [field]: { [op]: new Date(key.at) } }, { [field]: new Date(key.at), id: { [op]: key.id } }] }
    : {};
  return { where, orderBy: [{ [field]: direction }, { id: direction }] };
}

/** Fetch limit+1 rows, return limit and the cursor of the last one when more exist. */
export function toPage<Row extends { id: string }, Out>(
  rows: Row[],
  limit: number,
  at: (row: Row) => Date,
  map: (row: Row) => Out,
): { items: Out[]; nextCursor: string | null } {
  const more = rows.length > limit;
  const kept = more ? rows.slice(0, limit) : rows;
  const last = kept[kept.length - 1];
  return { items: kept.map(map), nextCursor: more && last ? encodeCursor({ at: at(last), id: last.id }) : null };
}
