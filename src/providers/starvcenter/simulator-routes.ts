/**
 * How an operation of the StarVCenter simulator is declared and served: one `OpDef` per
 * documented operation (method, path as the document writes it, a zod schema of its
 * KEY_PARAM), served under the base path with the token check, KEY_PARAM decoding, the
 * envelope, and the Base64 encoding of every answer.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { opOf, type PlatformErrorInput, statusText } from '../../sim/index.ts';
import type { SvcContext } from './simulator-context.ts';
import {
  type Answer,
  Refusal,
  decodeKeyParam,
  failureEnvelope,
  issueText,
  parseForm,
  successEnvelope,
} from './simulator-wire.ts';

// A1: the document's BaseURL (L7) below the simulator's origin.
export const BASE_PATH = '/starvcenter/services/cloudresource';

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface Call<I> {
  input: I;
  /** The tenant the KEY_TOKEN names. */
  tenant: string;
  params: Record<string, string>;
  now: number;
  /** `http://host:port` of the request, for URLs the platform hands out (console). */
  origin: string;
}

export interface OpDef<I> {
  /** Operation name for faults, the call log and job rules: the path with dots (`cloudvm.vdisk.add`). */
  op: string;
  method: Method;
  /** As the document writes it, below BaseURL: `cloudvm/{vmId}`. */
  path: string;
  /** Answers a task id (`startid` / `jobstartid`), A11. */
  async?: boolean;
  /** Schema of the decoded KEY_PARAM; operations without one read no body. */
  input?: z.ZodType<I>;
  handle(ctx: SvcContext, call: Call<I>): Answer;
}

export interface AnyOp {
  op: string;
  method: Method;
  path: string;
  async?: boolean;
  input?: z.ZodType<unknown>;
  handle(ctx: SvcContext, call: Call<unknown>): Answer;
}

export function defineOp<I>(def: OpDef<I>): AnyOp {
  return def as unknown as AnyOp;
}

/**
 * Body readers of the whole app: forms for the platform, JSON for the control API (an empty
 * JSON body reads as none). Any other body of a platform call is refused with 415 (A2).
 */
export const BODY_PARSERS: Record<string, (body: string) => unknown> = {
  'application/x-www-form-urlencoded': parseForm,
  'application/json': (body) => (body === '' ? undefined : JSON.parse(body)),
};

const isForm = (req: FastifyRequest) =>
  String(req.headers['content-type'] ?? '')
    .toLowerCase()
    .startsWith('application/x-www-form-urlencoded');

const PLAIN_STATUSES = new Set([404, 405, 413, 415]);

/**
 * A2/A39: what answers outside the envelope. A gateway or servlet container speaks for unknown
 * paths, wrong methods, unreadable bodies and 5xx/429 faults: plain text with the HTTP status.
 * Everything the service itself refuses is the envelope at HTTP 200.
 */
export function isPlainError(e: PlatformErrorInput): boolean {
  return PLAIN_STATUSES.has(e.status) || e.kind === 'http_error' || e.kind === 'timeout' || e.kind === 'rate_limit';
}

export function renderSvcError(e: PlatformErrorInput): unknown {
  if (isPlainError(e)) return e.status === 404 || e.status === 405 ? '' : statusText(e.status);
  const code = e.code ?? (e.kind === 'auth' ? '1003' : '1');
  return failureEnvelope(code, e.message ?? 'The request was refused');
}

const toFastifyPath = (path: string) => `/${path.replace(/\{(\w+)\}/g, ':$1')}`;
const shapeOf = (path: string) => path.replace(/\{\w+\}/g, '{}');
const ALL_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'] as const;

export function registerOps(app: FastifyInstance, ctx: SvcContext, ops: readonly AnyOp[]): void {
  app.register(
    async (svc) => {
      const tenants = new WeakMap<FastifyRequest, string>();

      // A4: every JSON answer leaves as the Base64 of its UTF-8 text.
      svc.addHook('onSend', async (_req, reply, payload) => {
        const type = String(reply.getHeader('content-type') ?? '');
        if (!type.startsWith('application/json') || typeof payload !== 'string') return payload;
        reply.header('content-type', 'text/plain; charset=UTF-8');
        return Buffer.from(payload, 'utf8').toString('base64');
      });

      // A3: the token is checked before anything is read; a bad one is result 1003 at HTTP 200.
      svc.addHook('preHandler', async (req, reply) => {
        if (!opOf(req)) return;
        const header = req.headers['key_token'];
        const check = ctx.engine.tokens.verify(typeof header === 'string' ? header.trim() : undefined);
        if (!check.ok) {
          const why = check.reason === 'missing' ? 'KEY_TOKEN is missing' : 'The tenant token is invalid';
          return reply.code(200).send(failureEnvelope('1003', `Authentication failed: ${why}`));
        }
        tenants.set(req, check.info.tenant);
      });

      const serve = (op: AnyOp) => async (req: FastifyRequest, reply: FastifyReply) => {
        const tenant = tenants.get(req);
        if (tenant === undefined) throw new Error('unauthenticated request reached a handler');
        try {
          // A7: business parameters come only from a form body; GET and DELETE read none.
          let raw: Record<string, unknown> = {};
          if (op.method === 'POST' || op.method === 'PUT') {
            if (req.body !== undefined && !isForm(req)) return reply.code(415).type('text/plain').send(statusText(415));
            const form = req.body as Record<string, string> | undefined;
            const text = form?.KEY_PARAM;
            if (text !== undefined && text !== '') raw = decodeKeyParam(text);
          }
          let input: unknown = raw;
          if (op.input) {
            const parsed = op.input.safeParse(raw);
            if (!parsed.success) return failureEnvelope('1', issueText(parsed.error));
            input = parsed.data;
          }
          ctx.jobs.settle();
          return successEnvelope(
            op.handle(ctx, {
              input,
              tenant,
              params: req.params as Record<string, string>,
              now: ctx.engine.clock.now(),
              origin: `http://${req.headers.host ?? '127.0.0.1'}`,
            }),
          );
        } catch (err) {
          if (err instanceof Refusal) return failureEnvelope(err.code, err.message);
          throw err;
        }
      };

      const served = new Map<string, { url: string; methods: Set<string> }>();
      for (const op of ops) {
        const url = toFastifyPath(op.path);
        svc.route({ method: op.method, url, config: { simOp: op.op }, handler: serve(op) });
        const shape = shapeOf(op.path);
        const entry = served.get(shape) ?? { url, methods: new Set<string>() };
        entry.methods.add(op.method);
        served.set(shape, entry);
      }
      // A2: JAX-RS matches the most literal path first, then the method: a path served for
      // other methods answers 405 (so `DELETE cloudvm/model` is 405, not a delete of VM "model").
      for (const { url, methods } of served.values()) {
        const allow = [...methods].join(', ');
        const others = ALL_METHODS.filter((m) => !methods.has(m));
        if (others.length > 0)
          svc.route({
            method: others,
            url,
            handler: async (_req, reply) => reply.code(405).header('allow', allow).type('text/plain').send(''),
          });
      }
    },
    { prefix: BASE_PATH },
  );
}
