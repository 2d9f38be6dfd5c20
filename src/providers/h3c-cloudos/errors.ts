/**
 * H3C error answers → ProviderError. The document's error-code catalogue is "to be provided
 * later" (L77) and never was, so the kind comes from the HTTP status, refined by a small
 * table of message patterns (a quota refusal is a 403 or 413 in Nova). The platform's code
 * and message are kept verbatim; no request body or token is ever put into an error.
 */
import { ProviderError, type HttpResponse, type ProviderErrorKind } from '../contract.ts';
import { WireH3cError, WireKeystoneError, WireNovaError } from './wire.ts';

const PROVIDER = 'h3c-cloudos' as const;

/** HTTP status → error kind; statuses not listed fall back by class (4xx invalid, 5xx unavailable). */
const STATUS_KINDS: Record<number, ProviderErrorKind> = {
  400: 'invalid',
  401: 'auth',
  403: 'auth',
  404: 'not_found',
  409: 'conflict',
  413: 'quota',
  415: 'invalid',
  422: 'invalid',
  429: 'rate_limited',
  500: 'unavailable',
  502: 'unavailable',
  503: 'unavailable',
  // The gateway gave up waiting for Nova: the call may still have happened, like a client timeout.
  504: 'timeout',
};

/** Message patterns that change the kind the status suggests (Nova's quota errors are 403/413). */
const MESSAGE_KINDS: ReadonlyArray<{ pattern: RegExp; kind: ProviderErrorKind }> = [
  { pattern: /quota exceeded|quota.*exceed|exceeds? (the )?quota|超出配额|配额不足/i, kind: 'quota' },
];

export interface ParsedError {
  code: string | undefined;
  message: string | undefined;
}

/** Reads whichever documented (or upstream pass-through) error body the answer carries. */
export function parseErrorBody(text: string): ParsedError {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { code: undefined, message: text.trim() ? text.trim().slice(0, 500) : undefined };
  }
  const h3c = WireH3cError.safeParse(body);
  if (h3c.success) return { code: String(h3c.data.code).trim() || undefined, message: h3c.data.msg ?? undefined };
  const keystone = WireKeystoneError.safeParse(body);
  if (keystone.success) return { code: keystone.data.error.code?.toString(), message: keystone.data.error.message };
  const nova = WireNovaError.safeParse(body);
  if (nova.success) {
    const [name, inner] = Object.entries(nova.data)[0] ?? [];
    if (name && inner) return { code: inner.code?.toString() ?? name, message: inner.message };
  }
  return { code: undefined, message: undefined };
}

export function kindOf(status: number, message: string | undefined): ProviderErrorKind {
  const byMessage = message ? MESSAGE_KINDS.find((m) => m.pattern.test(message))?.kind : undefined;
  if (byMessage) return byMessage;
  return STATUS_KINDS[status] ?? (status >= 500 ? 'unavailable' : 'invalid');
}

/** A non-2xx answer as a ProviderError carrying the platform's code and message verbatim. */
export function errorFromResponse(operation: string, res: HttpResponse): ProviderError {
  const { code, message } = parseErrorBody(res.text);
  const retryAfter = res.headers['retry-after'];
  const retryAfterMs = retryAfter && /^\d+$/.test(retryAfter.trim()) ? Number(retryAfter) * 1000 : undefined;
  return new ProviderError(PROVIDER, operation, kindOf(res.status, message), code, message, {
    httpStatus: res.status,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });
}

/** A 2xx answer whose body does not have the documented shape. */
export function malformed(operation: string, detail: string, cause?: unknown): ProviderError {
  return new ProviderError(PROVIDER, operation, 'malformed', undefined, detail, { cause });
}

/** Input this adapter refuses before any platform call (a missing network, a reserved tag key). */
export function invalid(operation: string, detail: string): ProviderError {
  return new ProviderError(PROVIDER, operation, 'invalid', undefined, detail);
}
