/**
 * The StarVCenter wire client: the tenant token, the Base64 envelope, the result-code table,
 * `classify` (the verdict the shared HTTP client retries and counts by) and page-number
 * paging. Retries, backoff, Retry-After and deadlines are the shared client's.
 *
 * Invariants:
 * - Every answer is decided by the envelope's `result` (A48), never by the HTTP status alone:
 *   business refusals arrive as HTTP 200.
 * - The message a user sees is the platform's decoded `resultinfo`, verbatim; never Base64,
 *   never the request, never the token.
 * - Every `data` this adapter reads is checked against a Wire* schema; a mismatch is
 *   `malformed`, never a half-read object.
 */
import { z } from 'zod';
import {
  ProviderError,
  type AccountContext,
  type AdapterDeps,
  type HttpRequest,
  type HttpResponse,
  type ProviderErrorKind,
  type ResponseClassifier,
  type ResponseVerdict,
} from '../contract.ts';
import { parseRetryAfter } from '../http.ts';
import type { StarVCenterCredentials, StarVCenterOptions } from './account.ts';
import { EnvelopeDecodeError, TOKEN_HEADER, decodeText, formBody } from './envelope.ts';
import { WireEnvelope } from './wire.ts';

export const PROVIDER = 'starvcenter' as const;

/** The documented result codes (L45, L59, L73) and what each means to a caller. */
export const RESULT_CODES = {
  '0': { meaning: 'success (for an async operation: the job started)', kind: null },
  '1': { meaning: 'failure; the reason is in resultinfo', kind: 'invalid' },
  '1003': { meaning: 'the tenant token is invalid', kind: 'auth' },
} as const satisfies Record<string, { meaning: string; kind: ProviderErrorKind | null }>;

/** What an undocumented code means: a refusal, told verbatim (A48). */
const UNDOCUMENTED_KIND: ProviderErrorKind = 'invalid';

/** An error this adapter raises itself (bad input, an answer it cannot use): no platform code. */
export const localError = (operation: string, kind: ProviderErrorKind, detail: string) =>
  new ProviderError(PROVIDER, operation, kind, undefined, detail);

export const SUCCESS = '0';
export const FAILURE = '1';
export const TOKEN_INVALID = '1003';

export function kindOfResult(code: string): ProviderErrorKind | null {
  return Object.hasOwn(RESULT_CODES, code) ? RESULT_CODES[code as keyof typeof RESULT_CODES].kind : UNDOCUMENTED_KIND;
}

function httpKind(status: number): ProviderErrorKind {
  if (status === 429) return 'rate_limited';
  if (status === 504) return 'timeout';
  if (status >= 500) return 'unavailable';
  if (status === 401 || status === 403) return 'auth';
  return 'invalid';
}

const messageOf = (info: unknown): string | undefined =>
  info === undefined || info === null ? undefined : typeof info === 'string' ? info : JSON.stringify(info);

// classify and the client read the same answer: decode it once.
const decoded = new WeakMap<HttpResponse, WireEnvelope>();

function readEnvelope(res: HttpResponse): WireEnvelope {
  const hit = decoded.get(res);
  if (hit) return hit;
  const parsed = WireEnvelope.safeParse(decodeText(res.text));
  if (!parsed.success) throw new EnvelopeDecodeError('the answer is not a result envelope');
  decoded.set(res, parsed.data);
  return parsed.data;
}

/** The verdict on one answer (the definition's `classify`). */
export const classifyStarVCenter: ResponseClassifier = (res: HttpResponse, req: HttpRequest): ResponseVerdict => {
  const op = req.operation;
  if (res.status < 200 || res.status >= 300) {
    // A gateway or the servlet container answered; its body may still be an envelope with a reason.
    let envelope: WireEnvelope | undefined;
    try {
      envelope = readEnvelope(res);
    } catch {
      envelope = undefined;
    }
    const kind = httpKind(res.status);
    const retryAfterMs = parseRetryAfter(res.headers['retry-after']);
    return {
      ok: false,
      // A 429 says the platform did not act: safe to send again even when not idempotent.
      notActed: res.status === 429,
      error: new ProviderError(
        PROVIDER,
        op,
        kind,
        envelope?.result ?? String(res.status),
        messageOf(envelope?.resultinfo) ?? `HTTP ${res.status}`,
        { httpStatus: res.status, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) },
      ),
    };
  }
  let envelope: WireEnvelope;
  try {
    envelope = readEnvelope(res);
  } catch (cause) {
    const detail = cause instanceof EnvelopeDecodeError ? cause.message : 'the answer could not be read';
    return {
      ok: false,
      error: new ProviderError(PROVIDER, op, 'malformed', undefined, detail, { cause, httpStatus: res.status }),
    };
  }
  const code = envelope.result.trim();
  const kind = kindOfResult(code);
  if (kind === null) return { ok: true };
  return {
    ok: false,
    error: new ProviderError(PROVIDER, op, kind, code, messageOf(envelope.resultinfo), { httpStatus: res.status }),
  };
};

export interface StarCall {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Relative to the BaseURL, e.g. `cloudvm/search`; ids already URI-encoded. */
  path: string;
  operation: string;
  idempotent: boolean;
  /** POST/PUT only: the business parameters (KEY_PARAM); absent = `{}` (A44). */
  param?: Record<string, unknown>;
  logFields?: Record<string, string>;
}

export interface StarPage<T> {
  items: T[];
  /** `dataCount`, when the platform sent one. */
  total: number | null;
}

export interface StarVCenterClient {
  /** Sends one call; resolves with the envelope of a `"0"` answer, rejects with a ProviderError otherwise. */
  call(c: StarCall): Promise<WireEnvelope>;
  /** Sends a call and validates its `data`. */
  data<S extends z.ZodType>(c: StarCall, schema: S): Promise<z.infer<S>>;
  /** Sends a call whose `data` is a list (`""`/absent = empty, one object = a list of one; D17). */
  list<S extends z.ZodType>(c: StarCall, item: S): Promise<StarPage<z.infer<S>>>;
  /** Reads every page of a paged search (A50). */
  listAll<S extends z.ZodType>(c: StarCall, item: S, pageSize?: number): Promise<z.infer<S>[]>;
}

export const MAX_PAGE_SIZE = 30;
/** Bound on pages read in one pass: a platform that keeps answering full pages must not loop forever. */
const MAX_PAGES = 10_000;

export const pageParam = (page: number, size: number) => ({
  'page.startnum': String(page),
  'page.everypagenum': String(size),
});

/** Validates `data`; a mismatch names the first bad field, never the body. */
export function parseData<S extends z.ZodType>(operation: string, schema: S, data: unknown): z.infer<S> {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? `data.${issue.path.join('.')}` : 'data';
  throw new ProviderError(PROVIDER, operation, 'malformed', undefined, `unexpected ${where}: ${issue?.message}`, {
    cause: parsed.error,
  });
}

export function asList(data: unknown): unknown[] {
  if (data === undefined || data === null || data === '') return [];
  return Array.isArray(data) ? data : [data];
}

/** The path prefix to put before every operation path (A41). */
export function prefixFor(endpoint: string, basePath: string): string {
  let path: string;
  try {
    path = new URL(endpoint).pathname.replace(/\/+$/, '');
  } catch {
    path = '';
  }
  return path.endsWith(basePath) ? '' : basePath;
}

export function createStarVCenterClient(
  account: AccountContext<StarVCenterCredentials, StarVCenterOptions>,
  deps: AdapterDeps,
): StarVCenterClient {
  const prefix = prefixFor(account.endpoint, account.options.basePath);
  const token = account.credentials.token;

  async function call(c: StarCall): Promise<WireEnvelope> {
    const hasBody = c.method === 'POST' || c.method === 'PUT';
    const res = await deps.http.request({
      method: c.method,
      path: `${prefix}/${c.path}`,
      operation: c.operation,
      idempotent: c.idempotent,
      headers: {
        [TOKEN_HEADER]: token,
        accept: 'text/plain, application/json, */*',
        ...(hasBody ? { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' } : {}),
      },
      ...(hasBody ? { body: formBody(c.param ?? {}) } : {}),
      ...(c.logFields ? { logFields: c.logFields } : {}),
    });
    // The definition's classify has already refused every failure; this reads what it decoded.
    const verdict = classifyStarVCenter(res, {
      method: c.method,
      path: c.path,
      operation: c.operation,
      idempotent: c.idempotent,
    });
    if (verdict && !verdict.ok) throw verdict.error;
    return readEnvelope(res);
  }

  async function list<S extends z.ZodType>(c: StarCall, item: S): Promise<StarPage<z.infer<S>>> {
    const envelope = await call(c);
    const items = parseData(c.operation, z.array(item), asList(envelope.data));
    const total = typeof envelope.dataCount === 'number' ? envelope.dataCount : null;
    return { items, total };
  }

  return {
    call,
    async data(c, schema) {
      return parseData(c.operation, schema, (await call(c)).data);
    },
    list,
    async listAll(c, item, pageSize = MAX_PAGE_SIZE) {
      const all: z.infer<typeof item>[] = [];
      for (let page = 1; page <= MAX_PAGES; page++) {
        const got = await list(withPage(c, page, pageSize), item);
        all.push(...got.items);
        if (!hasNextPage(page, pageSize, got.items.length, got.total)) break;
      }
      return all;
    },
  };
}

function withPage(c: StarCall, page: number, size: number): StarCall {
  return { ...c, param: { ...c.param, ...pageParam(page, size) } };
}

/** A50: another page exists while the page was full and (when told) fewer than `dataCount` items were seen. */
export function hasNextPage(page: number, size: number, got: number, total: number | null): boolean {
  if (got < size) return false;
  return total === null ? got > 0 : page * size < total;
}
