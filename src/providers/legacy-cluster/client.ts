/**
 * The legacy cluster broker's wire protocol: the `{code, msg, content, ext}` envelope and its
 * success rule, the return-code table, the correlation id header, payload validation and the
 * one non-JSON answer (the key download). Retries, backoff and deadlines are the shared HTTP
 * client's; this module tells it which answers are failures (`classifyLegacy`, A40).
 *
 * Invariants:
 * - An answer is a success only when `code === 0` and `msg` is null (A40). Everything else,
 *   code 0 included, is a ProviderError carrying the broker's code and decoded message verbatim.
 * - Every content this adapter reads is checked against a Wire* schema; a mismatch is
 *   `malformed` naming the first bad field, never the body.
 * - Credential headers, request bodies (registration and OpenStack passwords) and key
 *   material never reach an error or a log line.
 */
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
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
import type { LegacyCredentials, LegacyOptions } from './account.ts';
import { WireEnvelope, WireRegisterSummary } from './wire.ts';

export const PROVIDER = 'legacy-cluster' as const;

/** Operations whose success is a raw file, not an envelope (op 14, A65). */
export const RAW_OPERATIONS: ReadonlySet<string> = new Set(['operations.sshkeys.download']);

interface CodeRow {
  /** The status name the document prints beside the code. */
  name: string;
  kind: ProviderErrorKind;
}

/**
 * Return codes (catalog §2.6, A44). 0 here is the documented `BAD_REQUEST` that travels with
 * code 0 and a message ("result to json error", ops 28–30): the broker failed to produce its
 * answer, a server-side failure like 10999.
 */
export const RETURN_CODES: Readonly<Record<string, CodeRow>> = {
  '0': { name: 'BAD_REQUEST', kind: 'unavailable' },
  '10999': { name: 'SERVICE_ERROR', kind: 'unavailable' },
  '11996': { name: 'BAD_REQUEST', kind: 'invalid' },
  '12996': { name: 'BAD_REQUEST', kind: 'invalid' },
  '12997': { name: 'BAD_REQUEST', kind: 'invalid' },
  // Printed once in op 2's table where its example says 12996 (defect 8): read as 12996.
  '12966': { name: 'BAD_REQUEST', kind: 'invalid' },
};

/**
 * Messages that say more than their code (A44): the ORM's no-rows error is a not-found under
 * 10999 and 12997 alike. A row with `operation` applies to that operation only: op 9 wraps its
 * failed lookup as "get one instance err" (its one documented failure for a named id, A72).
 */
const MESSAGE_KINDS: ReadonlyArray<{ pattern: RegExp; kind: ProviderErrorKind; operation?: string }> = [
  { pattern: /QuerySeter no row found/i, kind: 'not_found' },
  { pattern: /^get one instance err/i, kind: 'not_found', operation: 'instances.get' },
  { pattern: /^unknown backend provider driver/i, kind: 'invalid' },
  { pattern: /Missing requisite parameter/i, kind: 'invalid' },
  { pattern: /already in DB/i, kind: 'conflict' },
];

/** Unknown codes are the broker's own failures until the document says otherwise. */
export function kindOfCode(code: number, message: string | null | undefined, operation = ''): ProviderErrorKind {
  const byMessage = message
    ? MESSAGE_KINDS.find((m) => (m.operation === undefined || m.operation === operation) && m.pattern.test(message))
        ?.kind
    : undefined;
  return byMessage ?? RETURN_CODES[String(code)]?.kind ?? 'unavailable';
}

/** HTTP statuses a gateway or proxy in front of the broker may answer (the broker itself says 200; A43). */
export function kindOfHttpStatus(status: number): ProviderErrorKind {
  if (status === 429) return 'rate_limited';
  if (status === 401 || status === 403) return 'auth';
  if (status === 504) return 'timeout';
  if (status === 400 || status === 413 || status === 414 || status === 415) return 'invalid';
  // 404/405 included: every route here is one the broker has, so its absence is a wrong endpoint, never "gone".
  return 'unavailable';
}

const failure = (operation: string, kind: ProviderErrorKind, code: string, message: string | undefined) =>
  new ProviderError(PROVIDER, operation, kind, code, message);

/**
 * A code-0 answer that is a failure summary (A45): op 31 when no machine was registered, and
 * op 32's documented failure. A partial op 31 (some registered) is a success told per item.
 */
function summaryFailure(operation: string, content: unknown): ProviderError | null {
  const summary = WireRegisterSummary.safeParse(content);
  if (!summary.success || summary.data.success !== 0 || summary.data.failed <= 0) return null;
  const { errors } = summary.data;
  const kind = errors.length > 0 && errors.every((e) => /already in DB/i.test(e)) ? 'conflict' : 'invalid';
  return failure(operation, kind, '0', errors.length ? errors.join('; ') : `${summary.data.failed} item(s) failed`);
}

export type Decoded = { ok: true; envelope: WireEnvelope } | { ok: false; error: ProviderError };

/** Reads one answer body by the success rule (A40); `raw` answers (op 14) succeed when they are not JSON. */
export function decodeAnswer(text: string, operation: string): Decoded | { ok: true; raw: string } {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (cause) {
    if (RAW_OPERATIONS.has(operation)) return { ok: true, raw: text };
    return {
      ok: false,
      error: new ProviderError(
        PROVIDER,
        operation,
        'malformed',
        undefined,
        'the broker answered with a body that is not JSON',
        { cause },
      ),
    };
  }
  const envelope = WireEnvelope.safeParse(body);
  if (!envelope.success)
    return {
      ok: false,
      error: new ProviderError(PROVIDER, operation, 'malformed', undefined, 'the broker answered without its envelope'),
    };
  const { code, msg } = envelope.data;
  const message = msg ?? null;
  if (code !== 0 || message !== null)
    return {
      ok: false,
      error: failure(operation, kindOfCode(code, message, operation), String(code), message ?? undefined),
    };
  const summary = summaryFailure(operation, envelope.data.content);
  return summary ? { ok: false, error: summary } : { ok: true, envelope: envelope.data };
}

/** The verdict the shared HTTP client retries and counts by. Non-2xx answers are left to their status. */
export const classifyLegacy: ResponseClassifier = (
  res: HttpResponse,
  req: HttpRequest,
): ResponseVerdict | undefined => {
  if (res.status < 200 || res.status >= 300) return undefined;
  const decoded = decodeAnswer(res.text, req.operation);
  return decoded.ok ? { ok: true } : { ok: false, error: decoded.error };
};

/** A non-2xx answer (from a gateway, A43) as a ProviderError; an envelope inside it lends its code and message. */
export function errorFromHttp(operation: string, res: HttpResponse): ProviderError {
  let code = String(res.status);
  let message: string | undefined = res.text.trim() ? res.text.trim().slice(0, 300) : undefined;
  try {
    const envelope = WireEnvelope.safeParse(JSON.parse(res.text));
    if (envelope.success) {
      code = String(envelope.data.code);
      message = envelope.data.msg ?? undefined;
    }
  } catch {
    // Not JSON: a proxy's page; its first characters are the message.
  }
  const retryAfter = res.headers['retry-after'];
  const retryAfterMs = retryAfter && /^\d+$/.test(retryAfter.trim()) ? Number(retryAfter) * 1000 : undefined;
  return new ProviderError(PROVIDER, operation, kindOfHttpStatus(res.status), code, message, {
    httpStatus: res.status,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });
}

export interface LegacyCall {
  method: HttpRequest['method'];
  /** From the server root: `/v1/...` (A68). */
  path: string;
  /** Metrics and log name, e.g. `groups.expand`. */
  operation: string;
  idempotent: boolean;
  json?: unknown;
  /** Sent as `X-CORRELATION-ID` and written on the call's log line (A46). */
  correlationId?: string;
  timeoutMs?: number;
}

export interface LegacyClient {
  /** Sends a call and returns its envelope's `content`, validated. */
  content<S extends z.ZodType>(call: LegacyCall, schema: S): Promise<z.infer<S>>;
  /** Sends a call and returns the whole envelope (expand reads `ext` beside `content`). */
  envelope(call: LegacyCall): Promise<WireEnvelope>;
  /** Sends a call whose success is a raw body (op 14); failures still come as envelopes. */
  raw(call: LegacyCall): Promise<string>;
}

/** Validates content; a mismatch names the first bad field, never the body. */
export function parseWire<S extends z.ZodType>(operation: string, schema: S, value: unknown): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? `content.${issue.path.join('.')}` : 'content';
  throw new ProviderError(
    PROVIDER,
    operation,
    'malformed',
    undefined,
    `unexpected ${where}: ${issue?.message ?? 'shape'}`,
    {
      cause: parsed.error,
    },
  );
}

/** A correlation id for a call the document requires one on and that has none of its own (A46). */
export const newCorrelationId = (): string => `cp-${randomUUID()}`;

/** Header values must be visible ASCII; a request id that is not cannot travel (A46). */
export function checkCorrelationId(operation: string, id: string): string {
  if (!/^[\x21-\x7e]{1,200}$/.test(id))
    throw new ProviderError(
      PROVIDER,
      operation,
      'invalid',
      undefined,
      'a correlation id must be 1–200 visible ASCII characters',
    );
  return id;
}

export function createLegacyClient(
  account: AccountContext<LegacyCredentials, LegacyOptions>,
  deps: AdapterDeps,
): LegacyClient {
  async function send(call: LegacyCall): Promise<{ res: HttpResponse; decoded: ReturnType<typeof decodeAnswer> }> {
    const headers: Record<string, string> = {
      ...account.credentials.headers,
      // Every example of the document sends it, bodiless GETs and DELETEs included (A68).
      'content-type': 'application/json',
    };
    if (call.correlationId !== undefined)
      headers['x-correlation-id'] = checkCorrelationId(call.operation, call.correlationId);
    const res = await deps.http.request({
      method: call.method,
      path: call.path,
      operation: call.operation,
      idempotent: call.idempotent,
      headers,
      ...(call.json !== undefined ? { json: call.json } : {}),
      ...(call.timeoutMs !== undefined ? { timeoutMs: call.timeoutMs } : {}),
      ...(call.correlationId !== undefined ? { logFields: { correlationId: call.correlationId } } : {}),
    });
    if (res.status < 200 || res.status >= 300) throw errorFromHttp(call.operation, res);
    // The shared client has already refused failures when it classifies; a client built without
    // the classifier (tests, tools) gets the same rule here.
    const decoded = decodeAnswer(res.text, call.operation);
    if (!decoded.ok) throw decoded.error;
    return { res, decoded };
  }

  async function envelope(call: LegacyCall): Promise<WireEnvelope> {
    const { decoded } = await send(call);
    if (!('envelope' in decoded))
      throw new ProviderError(
        PROVIDER,
        call.operation,
        'malformed',
        undefined,
        'the broker answered without its envelope',
      );
    return decoded.envelope;
  }

  return {
    envelope,
    async content(call, schema) {
      return parseWire(call.operation, schema, (await envelope(call)).content ?? null);
    },
    async raw(call) {
      const { res, decoded } = await send(call);
      if ('raw' in decoded) return decoded.raw;
      if (!decoded.ok) throw decoded.error;
      // A broker that wraps the file in its envelope after all: the content is the file.
      const content = decoded.envelope.content;
      return typeof content === 'string' ? content : res.text;
    },
  };
}
