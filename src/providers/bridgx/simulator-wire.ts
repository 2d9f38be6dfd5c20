/**
 * The BridgX envelope as the simulator writes it: `{code, msg, data}`, timestamps in Go's
 * `time.Time.String()` form at +08:00, the two pager spellings, and JSON that keeps int64 ids
 * exact (JavaScript numbers lose digits past 2^53, so ids are bigints written as raw digits).
 */
import type { FastifyReply } from 'fastify';
import { type PlatformErrorInput, pageByNumber, statusText } from '../../sim/index.ts';

/** A value the simulator serialises: plain JSON plus bigints (written as JSON numbers, digit for digit). */
export type WireValue = null | boolean | number | string | bigint | WireValue[] | { [key: string]: WireValue };

/** JSON.stringify with bigints as exact JSON numbers (A13). Keys keep insertion order. */
export function toJson(value: WireValue): string {
  if (value === null) return 'null';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  if (typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(toJson).join(',')}]`;
  const parts: string[] = [];
  for (const [k, v] of Object.entries(value)) parts.push(`${JSON.stringify(k)}:${toJson(v)}`);
  return `{${parts.join(',')}}`;
}

/** The machine token BridgX puts in `msg` for a refusal of this status code (A1, A2, A37). */
export function msgOf(code: number): string {
  if (code === 401) return 'unauthorized'; // invented: the document has no auth (A1)
  if (code === 404) return 'not_found';
  if (code === 429) return 'too_many_requests';
  if (code >= 400 && code < 500) return 'param_invalid'; // the only error the document knows
  if (code === 502) return 'bad_gateway';
  if (code === 503) return 'service_unavailable';
  if (code === 504) return 'gateway_timeout';
  return 'internal_error';
}

export function envelope(code: number, msg: string, data: WireValue): string {
  return toJson({ code, msg, data });
}

/** A success: HTTP 200, `code: 200`, `msg: "success"`. */
export function ok(reply: FastifyReply, data: WireValue): FastifyReply {
  return reply
    .code(200)
    .type('application/json; charset=utf-8')
    .send(envelope(200, 'success', data));
}

/** A refusal in the envelope, sent with the given HTTP status (the context decides it, A2). */
export function sendRefusal(reply: FastifyReply, httpStatus: number, code: number): FastifyReply {
  return reply
    .code(httpStatus)
    .type('application/json; charset=utf-8')
    .send(envelope(code, msgOf(code), null));
}

const CST_OFFSET_MS = 8 * 3_600_000;

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** `2021-11-02 06:09:38 +0800 CST`: Go's Time.String() of a China Standard Time stamp (A11). */
export function bxTime(ms: number): string {
  const d = new Date(ms + CST_OFFSET_MS);
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0800 CST`
  );
}

/** Whole seconds between two stamps as rendered (so the wire's own subtraction agrees). */
export function secondsBetween(fromMs: number, toMs: number): number {
  return Math.max(0, Math.floor(toMs / 1000) - Math.floor(fromMs / 1000));
}

/** Start of a `YYYY-MM-DD` day in +08:00, or null for anything else (A12). */
export function dayStart(date: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const utc = Date.UTC(y, mo - 1, d);
  const check = new Date(utc);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return null;
  return utc - CST_OFFSET_MS;
}

export const DAY_MS = 86_400_000;

export interface PageRequest {
  pageNumber: number;
  pageSize: number;
}

/**
 * Reads `page_number` / `page_size` (A10): a value that is not an integer is refused; a page
 * number below 1 reads as 1; a size of 0 or less reads as the default 10, above 50 as 50.
 */
export function readPaging(query: Record<string, unknown>): PageRequest | null {
  const num = readInt(query['page_number']);
  const size = readInt(query['page_size']);
  if (num === null || size === null) return null;
  const pageNumber = num === undefined || num < 1 ? 1 : num;
  const pageSize = size === undefined || size <= 0 ? 10 : Math.min(size, 50);
  return { pageNumber, pageSize };
}

function readInt(raw: unknown): number | undefined | null {
  if (raw === undefined || raw === '') return undefined;
  if (typeof raw !== 'string' || !/^-?\d{1,9}$/.test(raw)) return null;
  return Number(raw);
}

export interface WirePage<T> {
  items: T[];
  pageNumber: number;
  pageSize: number;
  total: number;
}

export function page<T>(items: readonly T[], req: PageRequest): WirePage<T> {
  const p = pageByNumber(items, req.pageNumber, req.pageSize);
  return { items: p.items, pageNumber: p.pageNo, pageSize: p.pageSize, total: p.total };
}

/** `pager` of cluster, task, machine and usage lists. */
export function snakePager(p: WirePage<unknown>): WireValue {
  return { page_number: p.pageNumber, page_size: p.pageSize, total: p.total };
}

/** `Pager` of the VPC, subnet and security-group describes (Go field names, A8). */
export function pascalPager(p: WirePage<unknown>): WireValue {
  return { PageNumber: p.pageNumber, PageSize: p.pageSize, Total: p.total };
}

const PLATFORM_KINDS: ReadonlySet<PlatformErrorInput['kind']> = new Set([
  'invalid',
  'auth',
  'not_found',
  'conflict',
  'forbidden',
]);

/** Framework answers and injected faults in the BridgX wire (A15, A37). */
export function renderError(e: PlatformErrorInput): unknown {
  if (e.kind === 'not_found') return '404 page not found';
  // A14: whatever the framework refuses (an unreadable or oversized body) is the platform's param_invalid.
  if (e.kind === 'invalid') return { code: 400, msg: msgOf(400), data: null };
  const numeric = e.code !== undefined && /^\d{3}$/.test(e.code) ? Number(e.code) : undefined;
  const code = numeric ?? e.status;
  // A reason phrase the engine filled in ("Gateway Timeout") reads as the platform's token instead.
  const own = e.message !== undefined && e.message !== statusText(e.status) ? e.message : undefined;
  const msg = PLATFORM_KINDS.has(e.kind)
    ? msgOf(code)
    : (own ?? (e.code !== undefined && numeric === undefined ? e.code : msgOf(code)));
  return { code, msg, data: null };
}

export function renderMalformed(mode: 'invalid_json' | 'wrong_shape'): string {
  return mode === 'invalid_json'
    ? '{"code":200,"msg":"success","data":{"list":[{"id":"tru'
    : '{"code":200,"msg":"success","data":"unexpected"}';
}
