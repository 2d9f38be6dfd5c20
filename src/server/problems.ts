/**
 * The only place that writes application/problem+json (RFC 9457). Every
 * error — ours, Fastify's, a zod validation failure, or an unexpected
 * throw — leaves here as a problem without a stack trace.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApiError, PROBLEMS, type FieldError, type ProblemSlug } from '../domain/errors.ts';
import { storeOutage } from '../db/store-errors.ts';
import type { StoreHealth } from '../db/store-health.ts';
import { isPlatformError, providerProblem } from './provider-problems.ts';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  [extension: string]: unknown;
}

export const problemType = (slug: ProblemSlug) => `/problems/${slug}`;

/** The shape of every problem, for the OpenAPI document (each operation narrows `type` and `status`). */
export const Problem = z
  .looseObject({
    type: z.string().describe('`/problems/<slug>`: a relative URI that resolves to the catalog entry'),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional().describe('The path of the request'),
    errors: z
      .array(z.object({ in: z.string(), pointer: z.string(), detail: z.string() }))
      .optional()
      .describe('validation-failed: every bad field, where it was (body, query, path, header) and a JSON pointer'),
    provider: z.string().optional().describe('Platform problems: the provider kind'),
    operation: z.string().optional().describe('Platform problems: the operation asked of it'),
    providerCode: z.string().nullable().optional().describe("The platform's own error code, verbatim"),
    providerMessage: z.string().nullable().optional().describe("The platform's own message, verbatim"),
    retryable: z.boolean().optional().describe('Platform problems: whether the same request may succeed later'),
    requiredScope: z.string().optional().describe('forbidden: the scope the operation needs'),
    allowed: z.array(z.string()).optional().describe('method-not-allowed: the methods the path answers'),
    limit: z.number().int().optional().describe('rate-limited: requests allowed per window'),
    windowSeconds: z.number().int().optional().describe('rate-limited: the window'),
  })
  .meta({ id: 'Problem', description: 'An RFC 9457 problem: every error answer has this shape' });

export function problemBody(
  slug: ProblemSlug,
  detail: string,
  extensions: Record<string, unknown> = {},
  status: number = PROBLEMS[slug].status,
): ProblemBody {
  // Extensions never override the standard members.
  return { ...extensions, type: problemType(slug), title: PROBLEMS[slug].title, status, detail };
}

export function sendProblem(reply: FastifyReply, body: ProblemBody, headers: Record<string, string> = {}) {
  return reply.code(body.status).headers(headers).type(PROBLEM_CONTENT_TYPE).send(body);
}

/** Fastify's own error codes, mapped to the problem a client should see. */
const FASTIFY_CODES: Record<string, ProblemSlug> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload-too-large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported-media-type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'malformed-request',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'malformed-request',
  FST_ERR_CTP_INVALID_JSON_BODY: 'malformed-request',
  FST_ERR_VALIDATION: 'validation-failed',
  FST_ERR_RATE_LIMIT_EXCEEDED: 'rate-limited',
};

const LOCATION: Record<string, string> = { querystring: 'query', body: 'body', params: 'path', headers: 'header' };

function toPointer(instancePath: string): string {
  // zod paths arrive as "/a/0/b" already; make the root explicit.
  return instancePath === '' ? '/' : instancePath.startsWith('/') ? instancePath : `/${instancePath}`;
}

function fieldErrors(error: FastifyError & { validationContext?: string }): FieldError[] {
  const where = LOCATION[error.validationContext ?? ''] ?? error.validationContext ?? 'request';
  return (error.validation ?? []).map((v) => ({
    in: where,
    pointer: toPointer(v.instancePath),
    detail: v.message ?? 'invalid value',
  }));
}

/** When a client should try again after a store outage: about the time a restart of it takes. */
const OUTAGE_RETRY_AFTER_SECONDS = '5';

/** Turn anything thrown into a problem; unknown errors become an opaque 500. */
export function toProblem(error: unknown, req: FastifyRequest): { body: ProblemBody; headers: Record<string, string> } {
  const store = storeOutage(error);
  if (store) {
    return {
      body: problemBody(
        'unavailable',
        `${store === 'postgres' ? 'PostgreSQL' : 'Redis'} is unreachable; try again shortly`,
      ),
      headers: { 'retry-after': OUTAGE_RETRY_AFTER_SECONDS },
    };
  }
  if (error instanceof ApiError) {
    return { body: problemBody(error.slug, error.detail, error.extensions, error.status), headers: error.headers };
  }
  const mapped = providerProblem(error);
  if (mapped)
    return { body: problemBody(mapped.slug, mapped.detail, mapped.extensions, mapped.status), headers: mapped.headers };
  if (hasZodFastifySchemaValidationErrors(error)) {
    const errors = fieldErrors(error as FastifyError & { validationContext?: string });
    const detail = errors.map((e) => `${e.in} ${e.pointer}: ${e.detail}`).join('; ');
    return { body: problemBody('validation-failed', detail, { errors }), headers: {} };
  }
  const fe = error as Partial<FastifyError>;
  if (fe.code && fe.code in FASTIFY_CODES) {
    const slug = FASTIFY_CODES[fe.code]!;
    const detail =
      slug === 'payload-too-large'
        ? `the body exceeds the limit of ${req.routeOptions.bodyLimit ?? req.server.initialConfig.bodyLimit} bytes`
        : (fe.message ?? PROBLEMS[slug].title);
    const errors = slug === 'validation-failed' ? { errors: fieldErrors(fe as FastifyError) } : {};
    return { body: problemBody(slug, detail, errors), headers: {} };
  }
  // A JSON syntax error from a content-type parser carries a 400 but no code in some paths.
  if (error instanceof SyntaxError && fe.statusCode === 400) {
    return { body: problemBody('malformed-request', `the body is not valid JSON: ${error.message}`), headers: {} };
  }
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    const slug: ProblemSlug =
      fe.statusCode === 404 ? 'not-found' : fe.statusCode === 405 ? 'method-not-allowed' : 'malformed-request';
    return { body: problemBody(slug, fe.message ?? PROBLEMS[slug].title, {}, fe.statusCode), headers: {} };
  }
  return {
    body: problemBody('internal', 'an unexpected error occurred; the request id identifies it in the logs'),
    headers: {},
  };
}

export const problemsPlugin = fp<{ health?: StoreHealth }>(
  async (app: FastifyInstance, opts) => {
    app.setErrorHandler((error, req, reply) => {
      const { body, headers } = toProblem(error, req);
      if (opts.health?.report(error)) {
        // The outage itself is logged once, when it starts and when it ends; each refused request is not news.
        req.log.debug({ problem: body.type, status: body.status }, 'request refused: a store is unreachable');
      } else if (isPlatformError(error) || body.status === 503) {
        // A platform's failure or a missing dependency is not a bug of ours: no stack, one line.
        req.log.warn({ problem: body.type, status: body.status, detail: body.detail }, 'request not served');
      } else if (body.status >= 500 || isResponseSerializationError(error)) {
        req.log.error({ err: error }, 'request failed');
      } else {
        req.log.info({ problem: body.type, status: body.status }, 'request refused');
      }
      return sendProblem(
        reply,
        { ...body, instance: req.url.split('?')[0]! },
        { ...headers, 'x-request-id': String(req.id) },
      );
    });

    // A small human-readable catalog, so every problem `type` resolves to something.
    app.get('/problems/:slug', { schema: { hide: true } }, async (req, reply) => {
      const slug = (req.params as { slug: string }).slug;
      const entry = (PROBLEMS as Record<string, { status: number; title: string }>)[slug];
      if (!entry) return sendProblem(reply, problemBody('not-found', `no problem type ${slug}`));
      return { type: problemType(slug as ProblemSlug), ...entry };
    });
  },
  { name: 'problems' },
);
