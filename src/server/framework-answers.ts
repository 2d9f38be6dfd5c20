/**
 * The answers Fastify and Node's HTTP server would otherwise make in their
 * own shapes, made as problems like every other error:
 * - a known path asked with a method it does not have: 405 with `Allow`
 *   (Fastify's router only knows "no route", so a shadow router of every
 *   registered path tells the two apart);
 * - a URL Fastify's router refuses (bad percent-encoding, a path segment
 *   over `maxParamLength`): 400 / 414;
 * - a request Node refuses before Fastify sees it (headers too large, too
 *   slow): 431 / 408, written straight to the socket;
 * - a bodyless request that carries a JSON content type: accepted as having
 *   no body where the route takes none, instead of "empty JSON body".
 */
import http from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import FindMyWay, { type HTTPMethod } from 'find-my-way';
import { z } from 'zod';
import { PROBLEMS, type ProblemSlug } from '../domain/errors.ts';
import { PROBLEM_CONTENT_TYPE, problemBody, sendProblem } from './problems.ts';

/**
 * The longest path parameter the router accepts. Fastify's default (100) is shorter than ids the
 * API takes (a platform job id may be 512 characters): longer segments answer 414.
 */
export const MAX_PARAM_LENGTH = 512;

/** Every registered path and its methods, to answer 405 with `Allow` where Fastify would say 404. */
export function createMethodIndex() {
  const router = FindMyWay({ maxParamLength: MAX_PARAM_LENGTH, ignoreTrailingSlash: false });
  const methods = new Set<HTTPMethod>();
  return {
    add(method: string | string[], url: string) {
      for (const m of Array.isArray(method) ? method : [method]) {
        const verb = m.toUpperCase() as HTTPMethod;
        // Fastify adds HEAD routes for GET ones itself; registering one twice would throw here.
        if (router.hasRoute(verb, url)) continue;
        router.on(verb, url, () => undefined);
        methods.add(verb);
      }
    },
    /** The methods a concrete path answers to, sorted; empty when no route has the path. */
    allowed(path: string): string[] {
      return [...methods].filter((m) => router.find(m, path) !== null).sort();
    },
  };
}

export type MethodIndex = ReturnType<typeof createMethodIndex>;

/** A path as echoed in a problem: cut, since repeating a 100 kB URL would make the refusal bigger than the request. */
const echoed = (path: string) => (path.length > 256 ? `${path.slice(0, 256)}…` : path);

/** The not-found handler: 405 when the path exists under other methods, 404 otherwise. */
export function notFoundOrWrongMethod(index: MethodIndex) {
  return (req: FastifyRequest, reply: FastifyReply) => {
    const path = req.url.split('?')[0]!;
    const instance = echoed(path);
    const allowed = index.allowed(path);
    if (allowed.length > 0) {
      return sendProblem(
        reply,
        {
          ...problemBody('method-not-allowed', `${instance} answers ${allowed.join(', ')}, not ${req.method}`, {
            allowed,
          }),
          instance,
        },
        { allow: allowed.join(', ') },
      );
    }
    return sendProblem(reply, { ...problemBody('not-found', `no route ${req.method} ${instance}`), instance });
  };
}

/** Fastify's `frameworkErrors`: the router's own refusals, before any route or hook runs. */
export function frameworkError(error: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  const path = req.url.split('?')[0]!;
  const slug: ProblemSlug =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? 'uri-too-long'
      : error.code === 'FST_ERR_BAD_URL'
        ? 'malformed-request'
        : 'internal';
  const detail =
    slug === 'uri-too-long'
      ? `a path segment is longer than ${MAX_PARAM_LENGTH} characters`
      : slug === 'malformed-request'
        ? 'the URL is not validly percent-encoded'
        : 'the request could not be routed';
  if (slug === 'internal') req.log.error({ err: error }, 'request could not be routed');
  return sendProblem(
    reply,
    { ...problemBody(slug, detail), instance: echoed(path) },
    { 'x-request-id': String(req.id) },
  );
}

const CLIENT_ERRORS: Record<string, ProblemSlug> = {
  HPE_HEADER_OVERFLOW: 'header-fields-too-large',
  ERR_HTTP_REQUEST_TIMEOUT: 'request-timeout',
};

/** Fastify's `clientErrorHandler`: Node refused the request before it became one; answer on the socket. */
export function clientError(this: FastifyInstance, error: Error & { code?: string }, socket: Socket) {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const slug = CLIENT_ERRORS[error.code ?? ''] ?? 'malformed-request';
  const status = PROBLEMS[slug].status;
  const body = JSON.stringify(problemBody(slug, 'the request could not be read as HTTP'));
  this.log.debug({ code: error.code }, 'client error');
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

/** Whether the route can be called without a body: it declares none, or its body schema accepts none. */
function takesNoBody(req: FastifyRequest): boolean {
  const schema = req.routeOptions.schema?.body;
  return schema === undefined || (schema instanceof z.ZodType && schema.safeParse(undefined).success);
}

/**
 * Fastify's JSON parser refuses an empty body sent with `Content-Type: application/json` (many
 * clients set it on every request). Where the route takes no body that is no body; where it needs
 * one it stays a 400. Everything else goes to Fastify's own parser (with its prototype-poisoning guard).
 */
export const bodylessJsonPlugin = fp(
  async (app: FastifyInstance) => {
    const parse = app.getDefaultJsonParser('error', 'error');
    app.removeContentTypeParser('application/json');
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
      if (/^\s*$/.test(body as string) && takesNoBody(req)) return done(null, undefined);
      return parse(req, body as string, done);
    });
  },
  { name: 'bodyless-json' },
);
