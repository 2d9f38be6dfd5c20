/**
 * What the OpenAPI document says of each operation beyond its zod schemas:
 * the problems it can answer (by status, with their `type` values), the
 * headers of its answers, the Idempotency-Key parameter, the media type of
 * an event stream. Most of it follows from what the route is — an
 * authenticated /v1 route can answer 401, 429 and 503; a route with a body
 * 400, 413 and 415; an idempotent one 409 — and the route adds the rest in
 * `schema.contract`. Per-route facts travel from the route transform to the
 * document pass in the `x-cloudplane` operation member, which the pass removes.
 */
import http from 'node:http';
import type { RouteOptions } from 'fastify';
import { z } from 'zod';
import { PROBLEMS, type ProblemSlug } from '../domain/errors.ts';
import type { Scope } from '../domain/scopes.ts';
import { problemType } from './problems.ts';

/** Success-answer headers a route can declare, by their component name. */
export const SUCCESS_HEADERS = {
  location: 'Location',
  'retry-after': 'Retry-After',
  'stale-accounts': 'Cloudplane-Stale-Accounts',
  'platform-group-kept': 'Cloudplane-Platform-Group-Kept',
} as const;
export type SuccessHeader = keyof typeof SUCCESS_HEADERS;

export interface OperationContract {
  /** Problems beyond those the route's kind implies (see `problemsOf`). */
  problems?: readonly ProblemSlug[];
  /** The operation calls the account's platform: it can answer every platform problem. */
  platform?: boolean;
  /** Headers of the success answers, by status. */
  headers?: Partial<Record<number, readonly SuccessHeader[]>>;
  /** The 200 answer is a Server-Sent Events stream; this describes its events. */
  eventStream?: string;
}

declare module 'fastify' {
  interface FastifySchema {
    /** What the OpenAPI document says of this operation beyond its schemas (server/openapi-contract.ts). */
    contract?: OperationContract;
  }
}

/** What the route transform learns of a route, for the document pass. */
interface RouteFacts {
  authenticated: boolean;
  scope: Scope | null;
  idempotent: boolean;
  /** The method may change something: the audit log records its `Cloudplane-Reason`. */
  changes: boolean;
  body: 'none' | 'optional' | 'required';
  validated: boolean;
  pathParams: boolean;
  /** The path names a stored resource by `:id`, which may not exist. */
  pathId: boolean;
  contract: OperationContract;
}

const FACTS = 'x-cloudplane';

/** Statuses a problem type can come with when it is not only its catalog's (platform problems mirror the fault). */
const STATUSES: Partial<Record<ProblemSlug, readonly number[]>> = {
  'provider-refused': [404, 409, 422],
  'provider-failed': [502, 503],
};
const PLATFORM_PROBLEMS: readonly ProblemSlug[] = [
  'budget-exhausted',
  'provider-refused',
  'provider-failed',
  'provider-timeout',
  'provider-unsupported',
];

/** The facts of one route, from its options as registered (zod schemas, config). */
export function routeFacts(route: RouteOptions): RouteFacts {
  const schema = route.schema ?? {};
  const scope = route.config?.scope ?? (route.url.startsWith('/v1') ? 'admin' : null);
  const body = schema.body;
  return {
    authenticated: scope !== null,
    scope,
    idempotent: route.config?.idempotent === true,
    changes: [route.method].flat().some((m) => !['GET', 'HEAD'].includes(m.toUpperCase())),
    body:
      body === undefined
        ? 'none'
        : body instanceof z.ZodType && body.safeParse(undefined).success
          ? 'optional'
          : 'required',
    validated: [schema.body, schema.querystring, schema.params, schema.headers].some((s) => s !== undefined),
    pathParams: route.url.includes(':'),
    pathId: /\/:id(\/|$)/.test(route.url),
    contract: schema.contract ?? {},
  };
}

export const factsMember = (facts: RouteFacts) => ({ [FACTS]: facts });

/** Every problem an operation can answer, by status. */
export function problemsOf(facts: RouteFacts): Map<number, Set<ProblemSlug>> {
  const slugs: ProblemSlug[] = [];
  if (facts.authenticated) {
    slugs.push('unauthorized', 'rate-limited', 'unavailable');
    // Every key holds at least `read`, so only routes needing more can be forbidden.
    if (facts.scope !== 'read') slugs.push('forbidden');
  }
  if (facts.validated) slugs.push('validation-failed');
  if (facts.body !== 'none') slugs.push('malformed-request', 'payload-too-large', 'unsupported-media-type');
  if (facts.pathParams) slugs.push('uri-too-long');
  if (facts.pathId) slugs.push('not-found');
  if (facts.idempotent) slugs.push('idempotency-key-in-use', 'idempotency-key-reused');
  if (facts.contract.platform) slugs.push(...PLATFORM_PROBLEMS);
  slugs.push(...(facts.contract.problems ?? []));

  // In catalog order, so names and enums do not depend on the order of the rules above.
  const catalog = Object.keys(PROBLEMS);
  slugs.sort((a, b) => catalog.indexOf(a) - catalog.indexOf(b));
  const byStatus = new Map<number, Set<ProblemSlug>>();
  for (const slug of slugs) {
    for (const status of STATUSES[slug] ?? [PROBLEMS[slug].status]) {
      if (!byStatus.has(status)) byStatus.set(status, new Set());
      byStatus.get(status)!.add(slug);
    }
  }
  return new Map([...byStatus].sort(([a], [b]) => a - b));
}

/** Headers that answers with these statuses may carry. */
function problemHeaders(status: number, slugs: Set<ProblemSlug>): Record<string, { $ref: string }> {
  const refs: string[] = ['X-Request-Id'];
  if (status === 401) refs.push('WWW-Authenticate');
  if (status === 429) refs.push('Retry-After', 'RateLimit', 'RateLimit-Policy');
  if (status === 503 || slugs.has('idempotency-key-in-use')) refs.push('Retry-After');
  return Object.fromEntries(refs.map((h) => [h, { $ref: `#/components/headers/${h}` }]));
}

const pascal = (slug: string) => slug.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase());

/**
 * The name of a shared problem answer: its problem types, and the status when one of them comes
 * with several (`NotFoundOrProviderRefused404`).
 */
export function problemResponseName(status: number, slugs: Set<ProblemSlug>): string {
  const names = [...slugs].map(pascal).join('Or');
  return [...slugs].some((s) => STATUSES[s]) ? `${names}${status}` : names;
}

export function problemResponse(status: number, slugs: Set<ProblemSlug>) {
  const types = [...slugs].map(problemType);
  return {
    description: [...slugs].map((s) => PROBLEMS[s].title).join('; '),
    headers: problemHeaders(status, slugs),
    content: {
      'application/problem+json': {
        schema: {
          allOf: [
            { $ref: '#/components/schemas/Problem' },
            { type: 'object', properties: { type: { type: 'string', enum: types }, status: { const: status } } },
          ],
        },
      },
    },
  };
}

type Json = Record<string, unknown>;

/**
 * Completes one operation of the generated document from the facts its route transform left. Its
 * problem answers are refs to `shared`, which collects them for `components.responses`.
 */
export function completeOperation(operation: Json, path: string, shared: Map<string, Json>): void {
  const facts = operation[FACTS] as RouteFacts | undefined;
  delete operation[FACTS];
  if (!facts) return;
  const responses = (operation.responses ?? {}) as Record<string, Json>;

  for (const [status, response] of Object.entries(responses)) {
    const code = Number(status);
    if (response.description === 'Default Response') response.description = http.STATUS_CODES[code] ?? status;
    const declared = facts.contract.headers?.[code] ?? [];
    const headers: string[] = ['X-Request-Id', ...declared.map((h) => SUCCESS_HEADERS[h])];
    if (facts.idempotent) headers.push('Idempotent-Replayed');
    if (facts.authenticated) headers.push('RateLimit', 'RateLimit-Policy');
    response.headers = Object.fromEntries(headers.map((h) => [h, { $ref: `#/components/headers/${h}` }]));
  }
  if (facts.contract.eventStream) {
    responses['200'] = {
      ...responses['200'],
      description: facts.contract.eventStream,
      content: { 'text/event-stream': { schema: { type: 'string' } } },
    };
  }
  for (const [status, slugs] of problemsOf(facts)) {
    const name = problemResponseName(status, slugs);
    if (!shared.has(name)) shared.set(name, problemResponse(status, slugs));
    responses[String(status)] = { $ref: `#/components/responses/${name}` };
  }
  operation.responses = responses;

  const extra: string[] = [];
  if (facts.idempotent) extra.push('IdempotencyKey');
  if (facts.authenticated && facts.changes) extra.push('Reason');
  if (extra.length) {
    const parameters = (operation.parameters ?? []) as Json[];
    operation.parameters = [...parameters, ...extra.map((p) => ({ $ref: `#/components/parameters/${p}` }))];
  }
  if (facts.body === 'optional' && operation.requestBody) (operation.requestBody as Json).required = false;
  if (!operation.operationId) throw new Error(`openapi: ${path} has an operation without an operationId`);
}

/** The headers, parameters and schemas every operation refers to. */
export const SHARED_COMPONENTS = {
  headers: {
    'X-Request-Id': {
      description:
        "Identifies the exchange in the gateway's logs (the caller's own `X-Request-Id` when short and plain)",
      schema: { type: 'string' },
    },
    Location: { description: 'Where the created or started resource can be read', schema: { type: 'string' } },
    'Retry-After': { description: 'Seconds to wait before asking again', schema: { type: 'integer', minimum: 0 } },
    'Idempotent-Replayed': {
      description: '`true` when this is the stored answer to an earlier request with the same Idempotency-Key',
      schema: { type: 'string', enum: ['true'] },
    },
    RateLimit: {
      description: "The caller's remaining quota in the current window (IETF RateLimit header fields)",
      schema: { type: 'string' },
    },
    'RateLimit-Policy': {
      description: 'The quota policy the RateLimit header refers to (IETF RateLimit header fields)',
      schema: { type: 'string' },
    },
    'WWW-Authenticate': { description: 'The Bearer challenge', schema: { type: 'string' } },
    'Cloudplane-Stale-Accounts': {
      description: 'Comma-separated ids of accounts whose platform could not be read: their machines are as last seen',
      schema: { type: 'string' },
    },
    'Cloudplane-Platform-Group-Kept': {
      description: 'The platform kept its own group behind the deleted template (it cannot remove it); its id',
      schema: { type: 'string' },
    },
  },
  parameters: {
    IdempotencyKey: {
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description:
        'Makes the request safe to repeat: the same key and body answer the first answer again (with `Idempotent-Replayed: true`); the same key with another body is 422; while the first is in flight, 409. Kept 24 hours per API key.',
      schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' },
    },
    Reason: {
      name: 'Cloudplane-Reason',
      in: 'header',
      required: false,
      description: 'Why the change is made, kept with it in the audit log (GET /v1/audit)',
      schema: { type: 'string', maxLength: 500 },
    },
  },
} as const;
