/**
 * The H3C CloudOS wire client: authentication, the error shape, payload validation and
 * Nova paging. Retries, backoff, Retry-After and deadlines are the shared HTTP client's.
 *
 * Invariants:
 * - One token per account at a time. Concurrent calls share one login in flight; a 401
 *   drops the token it was sent with (not a newer one), logs in again once and repeats the
 *   call once. A static token has nothing to renew: its 401 is an `auth` error.
 * - Every 2xx body this adapter reads is checked against a Wire* schema; a body that does
 *   not match is a ProviderError `malformed`, never a half-read object.
 * - The token, the password and the request body never reach an error or a log line.
 */
import type { z } from 'zod';
import type { AccountContext, AdapterDeps, HttpRequest, HttpResponse } from '../contract.ts';
import type { H3cCredentials, H3cOptions } from './account.ts';
import { errorFromResponse, invalid, malformed } from './errors.ts';
import { WireLogin } from './wire.ts';

/** Placeholder for the project id in paths: `/os/compute/v1/v2/{tenant_id}/servers`. */
export const TENANT = '{tenant_id}';
/** Renew a login token this long before the lifetime its login announced runs out. */
const RENEW_MARGIN_MS = 60_000;

export interface H3cRequest {
  method: HttpRequest['method'];
  /** May contain `{tenant_id}`, replaced by the account's project id. */
  path: string;
  operation: string;
  idempotent: boolean;
  query?: HttpRequest['query'];
  json?: unknown;
}

interface Session {
  token: string;
  tenant: string;
  /** Local time after which a fresh login is taken first (null: until a 401 says so). */
  renewAt: number | null;
}

export interface H3cClient {
  /** Sends a call with a valid token; a non-2xx answer becomes a ProviderError. */
  send(req: H3cRequest): Promise<HttpResponse>;
  /** Sends a call and validates its JSON body. */
  read<S extends z.ZodType>(req: H3cRequest, schema: S): Promise<z.infer<S>>;
  /** The project id paths are scoped to (logs in when needed). */
  tenant(): Promise<string>;
  /** Forgets the cached token so the next call logs in (verify uses it to prove the password). */
  forgetToken(): void;
  /** The login user name, when the credentials have one. */
  readonly userName: string | undefined;
}

function domainRef(name: string | undefined) {
  // Keystone's default domain has id `default`; a named domain is sent by name.
  return name ? { name } : { id: 'default' };
}

/** Validates a parsed body; a mismatch names the first bad field, never the body. */
export function parseWire<S extends z.ZodType>(operation: string, schema: S, body: unknown): z.infer<S> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? issue.path.join('.') : 'body';
  throw malformed(operation, `unexpected ${where}: ${issue?.message ?? 'shape'}`, parsed.error);
}

export function createH3cClient(account: AccountContext<H3cCredentials, H3cOptions>, deps: AdapterDeps): H3cClient {
  const { credentials, options } = account;
  const { http } = deps;
  let session: Session | null = null;
  let loggingIn: Promise<Session> | null = null;

  async function login(): Promise<Session> {
    if ('token' in credentials) {
      if (!options.projectId)
        throw invalid('auth.login', 'options.projectId is required with a static token (the token names no project)');
      return { token: credentials.token, tenant: options.projectId, renewAt: null };
    }
    const res = await http.request({
      method: 'POST',
      path: options.authPath,
      operation: 'auth.login',
      // A login only mints a token: sending it twice is harmless.
      idempotent: true,
      headers: { 'content-type': 'application/json' },
      json: {
        auth: {
          identity: {
            methods: ['password'],
            password: {
              user: {
                name: credentials.username,
                domain: domainRef(credentials.userDomain),
                password: credentials.password,
              },
            },
          },
          scope: { project: { name: credentials.project, domain: domainRef(credentials.projectDomain) } },
        },
      },
    });
    if (res.status < 200 || res.status >= 300) throw errorFromResponse('auth.login', res);
    const token = res.headers['x-subject-token'];
    if (!token) throw malformed('auth.login', 'the login answer has no X-Subject-Token header');
    const body = parseWire('auth.login', WireLogin, res.json());
    const tenant = body.token.project?.id ?? options.projectId;
    if (!tenant) throw malformed('auth.login', 'the login answer names no project and options.projectId is unset');
    if (options.projectId && options.projectId !== tenant)
      deps.logger.warn({ operation: 'auth.login' }, 'login project differs from options.projectId; using the login');
    return { token, tenant, renewAt: renewAt(body) };
  }

  // The platform's clock may differ from ours: only the announced lifetime is trusted.
  function renewAt(body: WireLogin): number | null {
    const { expires_at, issued_at } = body.token;
    if (!expires_at || !issued_at) return null;
    const ttl = Date.parse(expires_at) - Date.parse(issued_at);
    return Number.isFinite(ttl) && ttl > 0 ? Date.now() + Math.max(ttl - RENEW_MARGIN_MS, ttl / 2) : null;
  }

  async function current(): Promise<Session> {
    if (session && (session.renewAt === null || Date.now() < session.renewAt)) return session;
    loggingIn ??= login().then(
      (s) => {
        session = s;
        loggingIn = null;
        return s;
      },
      (err: unknown) => {
        loggingIn = null;
        throw err;
      },
    );
    return loggingIn;
  }

  async function attempt(req: H3cRequest, s: Session): Promise<HttpResponse> {
    return http.request({
      method: req.method,
      path: req.path.split(TENANT).join(encodeURIComponent(s.tenant)),
      operation: req.operation,
      idempotent: req.idempotent,
      ...(req.query ? { query: req.query } : {}),
      ...(req.json !== undefined ? { json: req.json } : {}),
      // The document asks for Content-Type: application/json on every call, bodiless ones too.
      headers: { 'content-type': 'application/json', 'x-auth-token': s.token },
    });
  }

  async function send(req: H3cRequest): Promise<HttpResponse> {
    const first = await current();
    let res = await attempt(req, first);
    if (res.status === 401 && !('token' in credentials)) {
      // Drop only the token this call used: another call may already have logged in again.
      if (session === first) session = null;
      res = await attempt(req, await current());
    }
    if (res.status < 200 || res.status >= 300) throw errorFromResponse(req.operation, res);
    return res;
  }

  return {
    send,
    async read(req, schema) {
      const res = await send(req);
      return parseWire(req.operation, schema, res.json());
    },
    async tenant() {
      return (await current()).tenant;
    },
    forgetToken() {
      session = null;
    },
    userName: 'username' in credentials ? credentials.username : undefined,
  };
}

/** Nova paging (A7, A8): the next marker is the last item's id when the answer links a next page. */
export function nextMarker(links: Array<{ rel: string }> | undefined, lastId: string | undefined): string | null {
  return lastId !== undefined && links?.some((l) => l.rel === 'next') ? lastId : null;
}

/** Glance paging (A17): `next` is a relative URL carrying `marker`. */
export function glanceMarker(next: string | null | undefined): string | null {
  if (!next) return null;
  return new URL(next, 'http://glance.invalid').searchParams.get('marker');
}
