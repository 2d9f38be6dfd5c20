/**
 * The StarVCenter wire as the simulator reads and writes it (catalog §2.5–2.6): Base64 of UTF-8
 * JSON both ways, business parameters in the form field `KEY_PARAM`, and the field helpers the
 * route modules build their KEY_PARAM schemas from. Numbers refer to the simulator header (A<n>).
 */
import { z } from 'zod';

/** A refusal inside the envelope: HTTP 200, `result` ≠ "0", `resultinfo` the reason (§2.7). */
export class Refusal extends Error {
  constructor(
    message: string,
    readonly code: string = '1',
  ) {
    super(message);
    this.name = 'Refusal';
  }
}

export function refuse(message: string, code = '1'): never {
  throw new Refusal(message, code);
}

/** The success envelope's optional parts, in the order the document lists them (L43–53). */
export interface Answer {
  data?: unknown;
  startid?: string;
  dataCount?: number;
}

export function successEnvelope(answer: Answer): Record<string, unknown> {
  const out: Record<string, unknown> = { result: '0' };
  if (answer.data !== undefined) out.data = answer.data;
  if (answer.startid !== undefined) out.startid = answer.startid;
  if (answer.dataCount !== undefined) out.dataCount = answer.dataCount;
  return out;
}

export function failureEnvelope(code: string, message: string): Record<string, string> {
  return { result: code, resultinfo: message };
}

// A4: the standard RFC 4648 alphabet, padded, on one line.
export function encodeBase64Json(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64');
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A5: decoded as Java's basic decoder does: the standard alphabet only (no URL-safe `-`/`_`, no
 * line breaks or spaces, so a `+` the form encoding turned into a space fails), padding optional.
 * The bytes must be UTF-8 (L13).
 */
export function decodeKeyParam(text: string): Record<string, unknown> {
  const body = text.replace(/=+$/, '');
  const padded = body.length !== text.length;
  if (!BASE64.test(text) || body.length % 4 === 1 || (padded && text.length % 4 !== 0))
    refuse('KEY_PARAM is not valid Base64');
  let json: string;
  try {
    json = utf8.decode(Buffer.from(body, 'base64'));
  } catch {
    return refuse('KEY_PARAM is not UTF-8 text');
  }
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return refuse('KEY_PARAM is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) refuse('KEY_PARAM must be a JSON object');
  return normaliseKeys(value as Record<string, unknown>);
}

/** A8: key names lose every whitespace character (the document's `" vpc.desc"`, `"aclrule. securitygroupid"`). */
export function normaliseKeys(value: Record<string, unknown>): Record<string, unknown> {
  // fromEntries defines own keys, so a key named `__proto__` stays a key instead of a prototype.
  return Object.fromEntries(Object.entries(value).map(([key, v]) => [key.replace(/\s+/g, ''), v]));
}

/** First KEY_PARAM of a form body (JAX-RS `@FormParam` reads the first value). */
export function parseForm(body: string): Record<string, string> {
  const first = new Map<string, string>();
  for (const [k, v] of new URLSearchParams(body)) if (!first.has(k)) first.set(k, v);
  return Object.fromEntries(first);
}

/** First zod issue as the `resultinfo` of a refusal naming the parameter. */
export function issueText(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'Invalid parameters';
  const path = issue.path.map(String).join('.');
  return path ? `Parameter ${path} ${issue.message}` : issue.message;
}

// ---- Field helpers. A6: a scalar may come as a JSON string, number or boolean; values are trimmed.

type Converted<T> = { ok: true; value: T } | { ok: false; message: string };
type Converter<T> = (text: string) => Converted<T>;

const ok = <T>(value: T): Converted<T> => ({ ok: true, value });
const bad = (message: string): Converted<never> => ({ ok: false, message });

function scalarText(v: unknown): string | null {
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return null;
}

function field<T>(convert: Converter<T>, required: true): z.ZodType<T>;
function field<T>(convert: Converter<T>, required: false): z.ZodType<T | undefined>;
function field<T>(convert: Converter<T>, required: boolean): z.ZodType<T | undefined> {
  const base = z.unknown().transform((v, ctx) => {
    if (v === undefined || v === null || v === '') {
      if (!required) return undefined;
      ctx.addIssue({ code: 'custom', message: 'is required' });
      return z.NEVER;
    }
    const text = scalarText(v);
    if (text === null) {
      ctx.addIssue({ code: 'custom', message: 'must be a text, number or boolean value' });
      return z.NEVER;
    }
    if (text === '') {
      if (!required) return undefined;
      ctx.addIssue({ code: 'custom', message: 'is required' });
      return z.NEVER;
    }
    const out = convert(text);
    if (!out.ok) {
      ctx.addIssue({ code: 'custom', message: out.message });
      return z.NEVER;
    }
    return out.value;
  });
  // Optional so a missing key or an empty value may read as undefined (zod refuses that otherwise).
  return required ? base : base.optional();
}

const asText: Converter<string> = (t) => ok(t);
const asInt =
  (min: number, max: number): Converter<number> =>
  (t) => {
    if (!/^-?\d+$/.test(t)) return bad('must be an integer');
    const n = Number(t);
    return n < min || n > max ? bad(`must be between ${min} and ${max}`) : ok(n);
  };
const asFlag: Converter<boolean> = (t) => {
  const l = t.toLowerCase();
  return l === 'true' ? ok(true) : l === 'false' ? ok(false) : bad('must be true or false');
};
const asChoice =
  <V extends string>(values: readonly V[], caseless: boolean): Converter<V> =>
  (t) => {
    const hit = values.find((v) => (caseless ? v.toLowerCase() === t.toLowerCase() : v === t));
    return hit ? ok(hit) : bad(`must be one of ${values.join(', ')}`);
  };
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const asIp: Converter<string> = (t) => (IPV4.test(t) ? ok(t) : bad('must be an IPv4 address'));
const asMaxText =
  (max: number): Converter<string> =>
  (t) =>
    [...t].length > max ? bad(`must be at most ${max} characters`) : ok(t);

export const f = {
  text: () => field(asText, false),
  reqText: () => field(asText, true),
  name: (max: number) => field(asMaxText(max), false),
  reqName: (max: number) => field(asMaxText(max), true),
  int: (min: number, max: number) => field(asInt(min, max), false),
  reqInt: (min: number, max: number) => field(asInt(min, max), true),
  flag: () => field(asFlag, false),
  reqFlag: () => field(asFlag, true),
  choice: <V extends string>(values: readonly V[], caseless = false) => field(asChoice(values, caseless), false),
  reqChoice: <V extends string>(values: readonly V[], caseless = false) => field(asChoice(values, caseless), true),
  ip: () => field(asIp, false),
  reqIp: () => field(asIp, true),
};

/** Comma-separated ids (`vnic.id` of #84, `aclrule.securitygroupid` of #87), empty items dropped. */
export const splitList = (text: string): string[] =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

// A13: page.startnum is a 1-based page number, page.everypagenum 1–30.
export const PAGE_FIELDS = {
  'page.startnum': f.int(1, 1_000_000_000),
  'page.everypagenum': f.int(1, 30),
};
export const REQUIRED_PAGE_FIELDS = {
  'page.startnum': f.reqInt(1, 1_000_000_000),
  'page.everypagenum': f.reqInt(1, 30),
};

export interface PageInput {
  'page.startnum'?: number | undefined;
  'page.everypagenum'?: number | undefined;
}

/**
 * A13/A14: no paging field = everything; one of them alone pages with the other's default (page 1,
 * 30 a page); a page past the end is empty. `dataCount` is the total either way.
 */
export function paged<T>(items: readonly T[], input: PageInput): { data: T[]; dataCount: number } {
  const start = input['page.startnum'];
  const size = input['page.everypagenum'];
  if (start === undefined && size === undefined) return { data: [...items], dataCount: items.length };
  const pageNo = start ?? 1;
  const pageSize = size ?? 30;
  const from = (pageNo - 1) * pageSize;
  return { data: items.slice(from, from + pageSize), dataCount: items.length };
}

/** Fuzzy match of the document's "模糊匹配" filters: a case-insensitive substring (A15). */
export function fuzzy(value: string | undefined, filter: string | undefined): boolean {
  if (filter === undefined) return true;
  return (value ?? '').toLowerCase().includes(filter.toLowerCase());
}

export function exact(value: string | undefined, filter: string | undefined): boolean {
  return filter === undefined || value === filter;
}

// A16: timestamps are `yyyy-MM-dd HH:mm:ss` in China Standard Time (+08:00), as the alarm filters.
export function wireTime(ms: number): string {
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
}

export function parseWireTime(text: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(text);
  if (!m) return null;
  const ms = Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}+08:00`);
  return Number.isNaN(ms) ? null : ms;
}

export const bool = (b: boolean): 'true' | 'false' => (b ? 'true' : 'false');
