/**
 * The building blocks of the operations catalog (operations*.ts): an operation is a zod input
 * in camelCase, a zod output in camelCase, and a `run` that does the wire work through the
 * client. Field tables map camelCase names to the document's wire keys in one place, both
 * ways, so no platform key leaks into an input or an output schema.
 */
import { z } from 'zod';
import type { StarCall, StarVCenterClient } from './client.ts';
import { asList, pageParam, parseData } from './client.ts';
import type { WireEnvelope } from './wire.ts';

export interface StarOperation<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  name: string;
  summary: string;
  input: I;
  output: O;
  run(client: StarVCenterClient, input: z.infer<I>): Promise<z.infer<O>>;
}

export const define = <I extends z.ZodType, O extends z.ZodType>(op: StarOperation<I, O>): StarOperation<I, O> => op;

/** camelCase name → wire key. */
export type Fields = Record<string, string>;

export const enc = encodeURIComponent;

/** An id the platform gave; opaque (the document never shows one). */
export const Id = z.string().min(1).max(256);
export const Text = z.string().max(1024);
/** A flag the document writes as `true`/`false` text. */
export const Flag = z.boolean();

/** Input values → KEY_PARAM: scalars as text (A46), arrays of scalars as arrays of text. */
export function toParam(input: Record<string, unknown>, fields: Fields): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, key] of Object.entries(fields)) {
    const v = input[name];
    if (v === undefined || v === null) continue;
    out[key] = Array.isArray(v) ? v.map((x) => scalar(x)) : scalar(v);
  }
  return out;
}

function scalar(v: unknown): unknown {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return v;
}

/** The text of a wire value: strings as they are, numbers and booleans as text, absent as null. */
export function text(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

type RecordShape<F extends Fields> = { [K in keyof F]: z.ZodNullable<z.ZodString> };

/** An output record whose every field is the text of one wire key (absent = null). */
export function record<F extends Fields>(fields: F) {
  const shape = {} as RecordShape<F>;
  for (const k of Object.keys(fields) as (keyof F)[]) shape[k] = z.string().nullable();
  const schema = z.object(shape);
  const read = (wire: unknown): z.infer<typeof schema> => {
    const src = wire && typeof wire === 'object' ? (wire as Record<string, unknown>) : {};
    const out: Record<string, string | null> = {};
    for (const [name, key] of Object.entries(fields)) out[name] = text(src[key]);
    return out as z.infer<typeof schema>;
  };
  return { schema, read };
}

/** Optional 1-based page and size (A50); none = everything, where the operation allows it. */
export const Paging = z.object({
  page: z.number().int().min(1).optional(),
  pageSize: z.number().int().min(1).max(30).optional(),
});

export function pagingParam(input: { page?: number | undefined; pageSize?: number | undefined }, required = false) {
  if (input.page === undefined && input.pageSize === undefined && !required) return {};
  return pageParam(input.page ?? 1, input.pageSize ?? 30);
}

export const listOutput = <S extends z.ZodType>(item: S) =>
  z.object({ items: z.array(item), total: z.number().int().nonnegative().nullable() });

/** Sends a search and reads its list (`""`/one object tolerated, D17) with the record reader. */
export async function searchRecords<R>(
  client: StarVCenterClient,
  call: StarCall,
  read: (wire: unknown) => R,
): Promise<{ items: R[]; total: number | null }> {
  const envelope = await client.call(call);
  const items = parseData(call.operation, z.array(z.unknown()), asList(envelope.data)).map(read);
  return { items, total: typeof envelope.dataCount === 'number' ? envelope.dataCount : null };
}

/** What an async operation answers: the platform's job number (A61), which nothing reads back. */
export const Started = z.object({ accepted: z.literal(true), startId: z.string().nullable() });
export const started = (e: WireEnvelope) => ({ accepted: true as const, startId: e.startid ?? null });

export const Accepted = z.object({ accepted: z.literal(true) });
export const accepted = () => ({ accepted: true as const });

/** The first object of `data` (some answers wrap a single object in an array). */
export function firstObject(data: unknown): Record<string, unknown> {
  const one = Array.isArray(data) ? data[0] : data;
  return one && typeof one === 'object' ? (one as Record<string, unknown>) : {};
}

/** A create answer's id, `{<key>: id}`; null when the answer has none (several are undocumented, D15). */
export const idOf = (data: unknown, key: string) => text(firstObject(data)[key]);

export const NullableId = z.object({ id: z.string().nullable() });
