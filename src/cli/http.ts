/**
 * The CLI's one HTTP client (undici). It sends the API key, parses JSON and
 * problem+json, validates answers with zod, and retries only what is safe to
 * retry: reads, and writes that carry an Idempotency-Key (the API answers a
 * repeat with the first answer). The API key appears in no message.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Readable } from 'node:stream';
import { Agent, request, type Dispatcher } from 'undici';
import type { z } from 'zod';
import { ConnectionError, ProblemError, UnexpectedAnswerError } from './errors.ts';
import { Problem } from './schemas.ts';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type Query = Record<string, string | number | boolean | undefined>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  idempotencyKey?: string;
  signal?: AbortSignal;
}

export interface Answer {
  body: unknown;
  headers: Dispatcher.ResponseData['headers'];
}

export interface ApiClientOptions {
  baseUrl: string;
  apiKey: string | undefined;
  userAgent: string;
}

/** Connection-level failures: the request may never have reached the API. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'EPIPE',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
]);

export function isConnectionFailure(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code ?? (err as { cause?: { code?: unknown } })?.cause?.code;
  return typeof code === 'string' && CONNECTION_CODES.has(code);
}

function describeConnectionFailure(err: unknown): string {
  const e = err as { code?: string; message?: string };
  return e.code && e.message && !e.message.includes(e.code) ? `${e.code} ${e.message}` : (e.message ?? String(err));
}

const RETRIES = 3;
const IN_FLIGHT_RETRIES = 30;
const MAX_RETRY_AFTER_MS = 5_000;

function retryAfterMs(headers: Dispatcher.ResponseData['headers']): number | null {
  const raw = headers['retry-after'];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}

export function createApiClient(opts: ApiClientOptions) {
  const base = opts.baseUrl.replace(/\/+$/, '');
  const dispatcher = new Agent({
    connect: { timeout: 10_000 },
    headersTimeout: 30_000,
    // An event stream sends a keep-alive comment every few seconds; silence this long means it is dead.
    bodyTimeout: 30_000,
    keepAliveTimeout: 4_000,
  });

  function urlOf(path: string, query: Query = {}): string {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
    const qs = params.toString();
    return `${base}${path}${qs ? `?${qs}` : ''}`;
  }

  function headersFor(extra: Record<string, string> = {}): Record<string, string> {
    return {
      'user-agent': opts.userAgent,
      accept: 'application/json, application/problem+json',
      ...(opts.apiKey ? { authorization: `Bearer ${opts.apiKey}` } : {}),
      ...extra,
    };
  }

  async function problemOf(res: Dispatcher.ResponseData): Promise<ProblemError> {
    const text = await res.body.text().catch(() => '');
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // Not JSON (a proxy's HTML page, say): show its first line.
    }
    const problem = Problem.safeParse(parsed);
    const body = problem.success ? problem.data : { detail: text.split('\n')[0]?.slice(0, 200) || undefined };
    return new ProblemError(res.statusCode, body, retryAfterMs(res.headers));
  }

  /** One request; answers the parsed JSON body (null for an empty one) and the headers, or throws a CliError. */
  async function send(method: Method, path: string, ro: RequestOptions = {}): Promise<Answer> {
    const url = urlOf(path, ro.query);
    const retriable = method === 'GET' || ro.idempotencyKey !== undefined;
    const extra: Record<string, string> = {};
    if (ro.body !== undefined) extra['content-type'] = 'application/json';
    if (ro.idempotencyKey !== undefined) extra['idempotency-key'] = ro.idempotencyKey;
    for (let attempt = 0, inFlight = 0; ; attempt++) {
      let res: Dispatcher.ResponseData;
      try {
        res = await request(url, {
          method,
          dispatcher,
          headers: headersFor(extra),
          body: ro.body === undefined ? undefined : JSON.stringify(ro.body),
          signal: ro.signal,
        });
      } catch (err) {
        if (ro.signal?.aborted) throw err;
        if (!isConnectionFailure(err)) throw err;
        if (retriable && attempt < RETRIES) {
          await sleep(300 * 2 ** attempt, undefined, { signal: ro.signal });
          continue;
        }
        throw new ConnectionError(base, describeConnectionFailure(err));
      }
      if (res.statusCode >= 200 && res.statusCode < 300) {
        const text = await res.body.text();
        if (!text) return { body: null, headers: res.headers };
        try {
          return { body: JSON.parse(text) as unknown, headers: res.headers };
        } catch {
          throw new UnexpectedAnswerError(`${method} ${path}`, 'the body is not JSON');
        }
      }
      const problem = await problemOf(res);
      // The first request with this key is still running: its answer will be ours.
      if (res.statusCode === 409 && problem.problem.type?.endsWith('/idempotency-key-in-use')) {
        if (inFlight++ < IN_FLIGHT_RETRIES) {
          await sleep(Math.min(problem.retryAfterMs ?? 1_000, MAX_RETRY_AFTER_MS), undefined, { signal: ro.signal });
          attempt--;
          continue;
        }
      }
      if (retriable && (res.statusCode === 429 || res.statusCode === 503) && attempt < RETRIES) {
        await sleep(Math.min(problem.retryAfterMs ?? 1_000, MAX_RETRY_AFTER_MS), undefined, { signal: ro.signal });
        continue;
      }
      throw problem;
    }
  }

  /** A request whose answer must match `schema`; with the answer's headers. */
  async function callWithHeaders<S extends z.ZodType>(
    schema: S,
    method: Method,
    path: string,
    ro: RequestOptions = {},
  ): Promise<{ data: z.infer<S>; headers: Answer['headers'] }> {
    const { body, headers } = await send(method, path, ro);
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new UnexpectedAnswerError(
        `${method} ${path}`,
        issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'invalid body',
      );
    }
    // The schemas only check (no defaults, no transforms): hand on the API's own object, its key order intact.
    return { data: body as z.infer<S>, headers };
  }

  /** A request whose answer must match `schema`. */
  async function call<S extends z.ZodType>(
    schema: S,
    method: Method,
    path: string,
    ro: RequestOptions = {},
  ): Promise<z.infer<S>> {
    return (await callWithHeaders(schema, method, path, ro)).data;
  }

  /**
   * Opens a Server-Sent Events stream. Answers the body to read, or throws a
   * ProblemError (the API refused) or a ConnectionError.
   */
  async function openStream(path: string, headers: Record<string, string>, signal: AbortSignal): Promise<Readable> {
    let res: Dispatcher.ResponseData;
    try {
      res = await request(urlOf(path), {
        method: 'GET',
        dispatcher,
        headers: { ...headersFor(headers), accept: 'text/event-stream' },
        signal,
      });
    } catch (err) {
      if (!signal.aborted && isConnectionFailure(err)) throw new ConnectionError(base, describeConnectionFailure(err));
      throw err;
    }
    if (res.statusCode !== 200) throw await problemOf(res);
    return res.body;
  }

  return {
    baseUrl: base,
    send,
    call,
    callWithHeaders,
    openStream,
    close: () => dispatcher.close(),
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;
