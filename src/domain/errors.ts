/**
 * The one catalog of problem types (RFC 9457) the API can answer with, and
 * the error classes that carry them. Only the errors plugin in server/
 * turns these into problem+json.
 */

export const PROBLEMS = {
  'validation-failed': { status: 422, title: 'The request did not pass validation' },
  'malformed-request': { status: 400, title: 'The request could not be parsed' },
  unauthorized: { status: 401, title: 'A valid API key is required' },
  forbidden: { status: 403, title: 'The API key lacks the scope this operation needs' },
  'not-found': { status: 404, title: 'No such resource' },
  'method-not-allowed': { status: 405, title: 'Method not allowed on this resource' },
  conflict: { status: 409, title: 'The request conflicts with the current state' },
  'idempotency-key-in-use': { status: 409, title: 'A request with this Idempotency-Key is still in flight' },
  'idempotency-key-reused': { status: 422, title: 'This Idempotency-Key was used with another request' },
  'payload-too-large': { status: 413, title: 'The request body is larger than allowed' },
  'uri-too-long': { status: 414, title: 'A part of the URL is longer than allowed' },
  'unsupported-media-type': { status: 415, title: 'Unsupported Content-Type' },
  'rate-limited': { status: 429, title: 'Too many requests' },
  'header-fields-too-large': { status: 431, title: 'The request headers are larger than allowed' },
  'request-timeout': { status: 408, title: 'The request was not received in time' },
  'provider-refused': { status: 422, title: 'The cloud platform refused the request' },
  'provider-failed': { status: 502, title: 'The cloud platform failed to answer properly' },
  'provider-timeout': { status: 504, title: 'The cloud platform did not answer in time' },
  'provider-unsupported': { status: 501, title: 'The cloud platform does not support this operation' },
  'budget-exhausted': {
    status: 503,
    title: "The account's budget of platform calls is spent for now; try again shortly",
  },
  unavailable: { status: 503, title: 'A store the service depends on is unavailable; try again shortly' },
  internal: { status: 500, title: 'Internal error' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ProblemSlug = keyof typeof PROBLEMS;

/** One entry of a validation problem's `errors[]`. */
export interface FieldError {
  /** Where the bad value was: body, query, params or headers. */
  in: string;
  /** JSON pointer to the field, e.g. `/spec/count`. */
  pointer: string;
  detail: string;
}

/** An error the API answers with as a problem; extensions are merged into the body. */
export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly slug: ProblemSlug,
    readonly detail: string,
    readonly extensions: Record<string, unknown> = {},
    options?: { status?: number; headers?: Record<string, string>; cause?: unknown },
  ) {
    super(detail, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ApiError';
    this.status = options?.status ?? PROBLEMS[slug].status;
    this.headers = options?.headers ?? {};
  }
  readonly headers: Record<string, string>;
}

export const notFound = (what: string, id: string) =>
  new ApiError('not-found', `${what} ${id} does not exist`, { resource: what, id });

export const conflict = (detail: string, extensions: Record<string, unknown> = {}) =>
  new ApiError('conflict', detail, extensions);
