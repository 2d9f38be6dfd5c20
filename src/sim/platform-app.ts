/**
 * The skeleton every platform simulator shares: a Fastify app whose
 * framework-level answers (unknown route, unreadable body, a thrown error)
 * come out in the platform's own error shape, the platform hooks (call log,
 * latency, faults) installed around the platform's routes, and the control
 * API mounted beside them.
 *
 * Platforms differ in how they say "no": H3C answers an HTTP error status
 * with a JSON body, the envelope platforms (StarVCenter, the legacy cluster
 * API, BridgX) answer HTTP 200 with the failure inside the envelope. The
 * renderer's `errorStatus` decides which, so the same fault rule produces the
 * wire each platform really has. Encoded answers (Base64 envelopes) are the
 * platform's own onSend hook, registered in `routes`.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { simControlApi, type ControlApiOptions } from './control-api.ts';
import type { SimEngine } from './engine.ts';
import {
  installPlatformHooks,
  type PlatformErrorInput,
  type PlatformHooksOptions,
  type PlatformRenderers,
} from './platform-hooks.ts';

export interface PlatformAppOptions extends PlatformRenderers {
  engine: SimEngine;
  /** Registers the platform's routes (and its auth hook) inside the hooked context. */
  routes(platform: FastifyInstance): void;
  control: Omit<ControlApiOptions, 'engine'> & { prefix?: string };
  /**
   * How request bodies of these content types are read. Default: JSON, where an empty body
   * reads as undefined (some platforms require the JSON content type on bodiless calls).
   */
  parsers?: Record<string, (body: string) => unknown>;
  /** Longest path parameter the router accepts (Fastify's default 100 answers 414 beyond it). */
  maxParamLength?: number;
  /** Fields of each platform call kept in the call log (see PlatformHooksOptions.callFields). */
  callFields?: PlatformHooksOptions['callFields'];
  logger?: boolean;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** The usual reason phrase of an HTTP status, for errors a platform renders without a message of its own. */
export function statusText(status: number): string {
  return STATUS_TEXT[status] ?? 'Error';
}

const readJson = (body: string): unknown => (body === '' ? undefined : JSON.parse(body));

export function createPlatformApp(opts: PlatformAppOptions): FastifyInstance {
  const { engine } = opts;
  const renderers: PlatformRenderers = {
    renderError: opts.renderError,
    ...(opts.errorStatus ? { errorStatus: opts.errorStatus } : {}),
    ...(opts.renderMalformed ? { renderMalformed: opts.renderMalformed } : {}),
  };
  const send = (error: PlatformErrorInput) => ({
    status: opts.errorStatus?.(error) ?? error.status,
    body: opts.renderError(error),
  });

  const app = Fastify({
    logger: opts.logger ?? false,
    ...(opts.maxParamLength !== undefined ? { routerOptions: { maxParamLength: opts.maxParamLength } } : {}),
  });
  const parsers = opts.parsers ?? { 'application/json': readJson };
  for (const [type, parse] of Object.entries(parsers)) {
    if (app.hasContentTypeParser(type)) app.removeContentTypeParser(type);
    app.addContentTypeParser(type, { parseAs: 'string' }, (_req, body, done) => {
      try {
        done(null, parse(body as string));
      } catch {
        done(Object.assign(new Error('Malformed request body'), { statusCode: 400 }), undefined);
      }
    });
  }
  app.setNotFoundHandler((req, reply) => {
    const out = send({
      status: 404,
      kind: 'not_found',
      message: `The resource could not be found: ${req.method} ${req.url.split('?')[0]}`,
    });
    return reply.code(out.status).send(out.body);
  });
  app.setErrorHandler((err: { statusCode?: number; message: string }, _req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    const out = send({
      status,
      kind: status === 500 ? 'http_error' : 'invalid',
      message: status === 500 ? statusText(500) : err.message,
    });
    return reply.code(out.status).send(out.body);
  });

  app.register(async (platform) => {
    installPlatformHooks(platform, {
      engine,
      ...renderers,
      ...(opts.callFields ? { callFields: opts.callFields } : {}),
    });
    opts.routes(platform);
  });
  const { prefix, ...control } = opts.control;
  app.register(simControlApi, { prefix: prefix ?? '/_sim', engine, ...control });
  return app;
}
