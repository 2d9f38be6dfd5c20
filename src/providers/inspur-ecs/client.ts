/**
 * The Inspur ECS wire client: the optional bearer token (A40), the `{code, message, data}`
 * envelope read as a verdict inside any HTTP status (A41), the error-code table (A42–A44),
 * and the page-number cursor (A45). Retries, backoff and deadlines are the shared HTTP
 * client's; it retries by the verdict `classify` gives.
 *
 * Invariants:
 * - Success is HTTP 2xx with `String(code)` 200 or 201; everything else is a ProviderError
 *   carrying the code exactly as sent and the message as decoded from the JSON body.
 * - Every `data` this adapter reads is checked against a Wire* schema; a mismatch is
 *   `malformed`, naming the field, never the body.
 * - The token never reaches an error, a log field or providerData.
 */
import type { z } from 'zod';
import {
  ProviderError,
  type AccountContext,
  type AdapterDeps,
  type HttpRequest,
  type HttpResponse,
  type ProviderErrorKind,
  type ResponseClassifier,
} from '../contract.ts';
import type { InspurCredentials, InspurOptions } from './account.ts';
import { WireEnvelope } from './wire.ts';

const PROVIDER = 'inspur-ecs' as const;
const SUCCESS_CODES: ReadonlySet<string> = new Set(['200', '201']);

/**
 * The documented codes by their six-digit part (A42): the common ones are listed bare
 * (`001012`), the per-operation ones with the `101.` prefix the note at line 47 describes,
 * so both spellings land on one row.
 */
export const ERROR_CODES = {
  // A server is not in the state the operation needs (start wants SHUTOFF, stop ACTIVE).
  '001012': 'conflict',
  '001002': 'invalid',
  // Not-found answers HTTP 400 on this platform (A43).
  '001033': 'not_found',
  // "Operation failed": a platform-side exception.
  '001040': 'unavailable',
  // "Unknown ownership": not the caller's server, or no such server; the two are one code (A43).
  '001013': 'not_found',
  // No billing record: the server cannot be operated until billing is fixed.
  '001014': 'conflict',
  '003005': 'unavailable',
  '003006': 'unavailable',
  '003007': 'unavailable',
  // "VM cannot create a custom image, status: %s".
  '003011': 'conflict',
  // The image is still attached to a server.
  '003015': 'conflict',
  // The image is still being created.
  '003016': 'conflict',
  // Only private images can be modified: no state change will ever allow it.
  '003017': 'invalid',
} as const satisfies Record<string, ProviderErrorKind>;

const BY_HTTP_STATUS: Record<number, ProviderErrorKind> = {
  400: 'invalid',
  401: 'auth',
  403: 'auth',
  404: 'not_found',
  409: 'conflict',
  429: 'rate_limited',
  504: 'timeout',
};

function statusKind(status: number): ProviderErrorKind | undefined {
  return BY_HTTP_STATUS[status] ?? (status >= 500 && status <= 599 ? 'unavailable' : undefined);
}

/**
 * The kind of a failure (A44): a documented code by its six-digit part; otherwise a code that
 * is an HTTP status (a gateway's 401, 429, 503); otherwise the HTTP status; otherwise invalid.
 */
export function kindOf(code: string | undefined, httpStatus: number): ProviderErrorKind {
  const six = code?.match(/^(?:\d{3}\.)?(\d{6})$/)?.[1];
  const known = six !== undefined ? (ERROR_CODES as Record<string, ProviderErrorKind>)[six] : undefined;
  if (known) return known;
  const asStatus = code && /^\d{3}$/.test(code) ? statusKind(Number(code)) : undefined;
  return asStatus ?? statusKind(httpStatus) ?? 'invalid';
}

/** The envelope of a body, or null when the body is no JSON envelope (a gateway's page, a bare 502). */
export function readEnvelope(text: string): WireEnvelope | null {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = WireEnvelope.safeParse(body);
  return parsed.success ? parsed.data : null;
}

function retryAfterOf(res: HttpResponse): number | undefined {
  const value = res.headers['retry-after']?.trim();
  return value && /^\d+$/.test(value) ? Number(value) * 1000 : undefined;
}

function failure(operation: string, res: HttpResponse, code: string | undefined, message: string | undefined) {
  const retryAfterMs = retryAfterOf(res);
  return new ProviderError(PROVIDER, operation, kindOf(code, res.status), code, message, {
    httpStatus: res.status,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });
}

/**
 * The envelope as a verdict, at any HTTP status: a refusal inside an HTTP 200 and a 400 that
 * carries `001033` are both read from the body. A body that is no envelope is left to the
 * HTTP status (undefined).
 */
export const classifyInspur: ResponseClassifier = (res, req) => {
  const env = readEnvelope(res.text);
  if (!env) return undefined;
  const code = String(env.code).trim();
  if (SUCCESS_CODES.has(code) && res.status >= 200 && res.status < 300) return { ok: true };
  const error = failure(req.operation, res, code, env.message ?? undefined);
  // A throttled call was not acted on: safe to send again whatever it was.
  return { ok: false, error, notActed: error.kind === 'rate_limited' };
};

export interface InspurRequest {
  method: HttpRequest['method'];
  path: string;
  operation: string;
  idempotent: boolean;
  query?: HttpRequest['query'];
  json?: unknown;
}

export interface InspurClient {
  /** Sends a call; resolves with the envelope's `data` checked against `schema`. */
  call<S extends z.ZodType>(req: InspurRequest, schema: S): Promise<z.infer<S>>;
  /** Sends a call whose `data` is not read (actions answer only the common envelope). */
  send(req: InspurRequest): Promise<void>;
}

export function malformed(operation: string, detail: string, cause?: unknown): ProviderError {
  return new ProviderError(PROVIDER, operation, 'malformed', undefined, detail, { cause });
}

/** Input this adapter refuses before any platform call. */
export function invalid(operation: string, detail: string): ProviderError {
  return new ProviderError(PROVIDER, operation, 'invalid', undefined, detail);
}

/** Validates a payload; a mismatch names the first bad field, never the body. */
export function parseWire<S extends z.ZodType>(operation: string, schema: S, body: unknown): z.infer<S> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? issue.path.join('.') : 'data';
  throw malformed(operation, `unexpected ${where}: ${issue?.message ?? 'shape'}`, parsed.error);
}

export function createInspurClient(
  account: AccountContext<InspurCredentials, InspurOptions>,
  deps: AdapterDeps,
): InspurClient {
  const { credentials, options } = account;
  const headers: Record<string, string> = {};
  if (credentials.token) {
    const scheme = options.authScheme ?? 'Bearer';
    headers[(options.authHeader ?? 'authorization').toLowerCase()] = scheme
      ? `${scheme} ${credentials.token}`
      : credentials.token;
  }

  async function envelope(req: InspurRequest): Promise<WireEnvelope> {
    const res = await deps.http.request({
      method: req.method,
      path: req.path,
      operation: req.operation,
      idempotent: req.idempotent,
      headers,
      ...(req.query ? { query: req.query } : {}),
      ...(req.json !== undefined ? { json: req.json } : {}),
    });
    // classify already turned every envelope failure into an error; what is left is either a
    // success envelope or an answer that is not an envelope at all.
    if (res.status < 200 || res.status >= 300)
      throw failure(req.operation, res, undefined, res.text.trim() ? res.text.trim().slice(0, 500) : undefined);
    return parseWire(req.operation, WireEnvelope, res.json());
  }

  return {
    async call(req, schema) {
      const env = await envelope(req);
      return parseWire(req.operation, schema, env.data);
    },
    async send(req) {
      await envelope(req);
    },
  };
}

/** The page-number cursor (A45): page and size travel together so a pass keeps one page size. */
export interface PageCursor {
  pageNo: number;
  pageSize: number;
}

export function encodePageToken(cursor: PageCursor): string {
  return `p${cursor.pageNo}s${cursor.pageSize}`;
}

/** The cursor a token names, or null when it is not one this adapter made. */
export function decodePageToken(token: string): PageCursor | null {
  const m = /^p([1-9]\d{0,8})s([1-9]\d{0,4})$/.exec(token);
  return m ? { pageNo: Number(m[1]), pageSize: Number(m[2]) } : null;
}

/** The page after this one, or null when this one was the last. */
export function nextPage(cursor: PageCursor, received: number, totalCount: number | undefined): PageCursor | null {
  if (received === 0) return null;
  // Without a total, a full page may have a successor; a short one cannot.
  const more = totalCount !== undefined ? cursor.pageNo * cursor.pageSize < totalCount : received >= cursor.pageSize;
  return more ? { pageNo: cursor.pageNo + 1, pageSize: cursor.pageSize } : null;
}
