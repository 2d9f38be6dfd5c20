/**
 * The BridgX wire client: the optional bearer token (A40), the `{code, msg, data}` envelope
 * (A41–A43), exact large ids (A47), payload validation and page-number paging (A46). Retries,
 * backoff and deadlines are the shared HTTP client's; `classifyBridgx` tells it which answers
 * inside an HTTP 200 are failures.
 *
 * Invariants:
 * - Success is decided from the body only (`code` 200, or 0 as the field tables say); the HTTP
 *   status alone is never trusted, because BridgX may mirror `code` in it or always send 200.
 * - Every `data` this adapter reads is checked against a Wire* schema; a mismatch is
 *   `malformed`, never a half-read object.
 * - The token and request bodies never reach an error or a log line.
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
import type { BridgxCredentials, BridgxOptions } from './account.ts';
import { parseJsonExact } from './raw-json.ts';
import { WireEnvelope } from './wire.ts';

const PROVIDER = 'bridgx' as const;
export const API = '/api/v1';
/** The document's maximum page size (§2.6); every list is read at it. */
export const PAGE_SIZE = 50;
/** Bound on one pass over a list, so a platform whose pager lies cannot loop us forever. */
export const MAX_PAGES = 200;

/**
 * Envelope code → error kind (A42). The document knows only 200 and `400 param_invalid`,
 * which BridgX uses for every refusal, unknown ids included; the rest are the codes a
 * gateway or a newer BridgX would use, read by their HTTP meaning.
 */
export const CODE_KINDS: Readonly<Record<number, ProviderErrorKind>> = {
  400: 'invalid',
  401: 'auth',
  403: 'auth',
  404: 'not_found',
  409: 'conflict',
  422: 'invalid',
  429: 'rate_limited',
  500: 'unavailable',
  502: 'unavailable',
  503: 'unavailable',
  // The platform gave up waiting on the cloud: the call may still have happened.
  504: 'timeout',
};

/** Envelope `msg` tokens that say more than their code. */
const MSG_KINDS: Readonly<Record<string, ProviderErrorKind>> = {
  param_invalid: 'invalid',
  unauthorized: 'auth',
  forbidden: 'auth',
  not_found: 'not_found',
  too_many_requests: 'rate_limited',
};

const SUCCESS = new Set(['200', '0']);

export function kindOfCode(code: number, msg: string | undefined): ProviderErrorKind {
  const byMsg = msg ? MSG_KINDS[msg.trim().toLowerCase()] : undefined;
  return byMsg ?? CODE_KINDS[code] ?? (code >= 500 ? 'unavailable' : 'invalid');
}

const retryAfterOf = (res: HttpResponse) => {
  const v = res.headers['retry-after'];
  return v && /^\d+$/.test(v.trim()) ? Number(v) * 1000 : undefined;
};

/** `enveloped`: whether the failure was told by a BridgX envelope (not by a gateway or a broken body). */
type Decoded = { ok: true; data: unknown } | { ok: false; error: ProviderError; enveloped: boolean };

/** Reads one answer: its envelope's `data`, or the ProviderError the answer stands for. */
export function decodeAnswer(res: HttpResponse, operation: string): Decoded {
  const httpStatus = res.status;
  let body: unknown;
  try {
    body = parseJsonExact(res.text);
  } catch (cause) {
    // A gateway's own page in front of BridgX (A43): transient when the gateway says so.
    const kind: ProviderErrorKind | null =
      httpStatus === 429 ? 'rate_limited' : httpStatus >= 500 ? (httpStatus === 504 ? 'timeout' : 'unavailable') : null;
    const error = kind
      ? new ProviderError(PROVIDER, operation, kind, String(httpStatus), `HTTP ${httpStatus} without a BridgX answer`, {
          httpStatus,
          retryAfterMs: retryAfterOf(res),
        })
      : new ProviderError(PROVIDER, operation, 'malformed', undefined, 'the answer is not JSON', { cause, httpStatus });
    return { ok: false, error, enveloped: false };
  }
  const envelope = WireEnvelope.safeParse(body);
  if (!envelope.success) {
    const kind = httpStatus >= 400 ? kindOfCode(httpStatus, undefined) : 'malformed';
    const message = httpStatus >= 400 ? `HTTP ${httpStatus}` : 'the answer is not a {code, msg, data} envelope';
    return {
      ok: false,
      error: new ProviderError(PROVIDER, operation, kind, undefined, message, { httpStatus }),
      enveloped: false,
    };
  }
  const { code, msg, data } = envelope.data;
  if (SUCCESS.has(String(code).trim())) return { ok: true, data };
  const numeric = Number(code);
  const kind = Number.isInteger(numeric) ? kindOfCode(numeric, msg ?? undefined) : 'invalid';
  return {
    ok: false,
    error: new ProviderError(PROVIDER, operation, kind, String(code), msg ?? undefined, {
      httpStatus,
      retryAfterMs: retryAfterOf(res),
    }),
    enveloped: true,
  };
}

/** The shared HTTP client's verdict on a BridgX answer (ProviderDefinition.classify). */
export const classifyBridgx: ResponseClassifier = (res, req) => {
  const decoded = decodeAnswer(res, req.operation);
  if (decoded.ok) return { ok: true };
  // What is not a BridgX envelope (a gateway page, a broken body) is left to the HTTP status:
  // a 5xx is retried when idempotent, and the client raises the error once retries end.
  if (!decoded.enveloped) return undefined;
  // A throttled call was not acted on: it may be sent again even when it creates.
  return { ok: false, error: decoded.error, notActed: decoded.error.kind === 'rate_limited' };
};

export interface BxRequest {
  method: 'GET' | 'POST';
  /** Path below `/api/v1`. */
  path: string;
  operation: string;
  /** Safe to send twice: reads, and the network sync (a refresh). */
  idempotent: boolean;
  query?: Record<string, string | number | undefined>;
  json?: unknown;
  timeoutMs?: number;
  logFields?: Record<string, string>;
}

export interface BridgxClient {
  /** Sends a call and returns its envelope's `data`, validated by `schema`. */
  data<S extends z.ZodType>(req: BxRequest, schema: S): Promise<z.infer<S>>;
  /** Reads every page of a list (page_size 50), each page's `data` read by `page`. */
  all<T>(req: BxRequest, page: (data: unknown) => { items: T[]; total: number }, maxPages?: number): Promise<T[]>;
  readonly options: BridgxOptions;
}

/** Validates `data`; a mismatch names the first bad field, never the body. */
export function parseData<S extends z.ZodType>(operation: string, schema: S, data: unknown): z.infer<S> {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? `data.${issue.path.join('.')}` : 'data';
  throw new ProviderError(PROVIDER, operation, 'malformed', undefined, `unexpected ${where}: ${issue?.message ?? ''}`, {
    cause: parsed.error,
  });
}

export function createBridgxClient(
  account: AccountContext<BridgxCredentials, BridgxOptions>,
  deps: AdapterDeps,
): BridgxClient {
  const headers: Record<string, string> = account.credentials.token
    ? { authorization: `Bearer ${account.credentials.token}` }
    : {};

  async function send(req: BxRequest): Promise<unknown> {
    const request: HttpRequest = {
      method: req.method,
      path: `${API}${req.path}`,
      operation: req.operation,
      idempotent: req.idempotent,
      headers,
      ...(req.query ? { query: req.query } : {}),
      ...(req.json !== undefined ? { json: req.json } : {}),
      ...(req.timeoutMs ? { timeoutMs: req.timeoutMs } : {}),
      ...(req.logFields ? { logFields: req.logFields } : {}),
    };
    const decoded = decodeAnswer(await deps.http.request(request), req.operation);
    if (!decoded.ok) throw decoded.error;
    return decoded.data;
  }

  return {
    options: account.options,
    async data(req, schema) {
      return parseData(req.operation, schema, await send(req));
    },
    async all<T>(req: BxRequest, page: (data: unknown) => { items: T[]; total: number }, maxPages = MAX_PAGES) {
      const items: T[] = [];
      for (let n = 1; n <= maxPages; n++) {
        const got = page(await send({ ...req, query: { ...req.query, page_number: n, page_size: PAGE_SIZE } }));
        items.push(...got.items);
        if (got.items.length === 0 || items.length >= got.total) break;
      }
      return items;
    },
  };
}
