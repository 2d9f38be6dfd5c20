/**
 * What happens to every platform call before its handler runs: it is logged under its
 * operation name, delayed by the configured latency, and given a chance to fault.
 * Routes opt in by naming their operation in `config.simOp` (a function when the body picks
 * the operation, as with Nova's single `/action` URL). Control routes name none, so they are
 * never delayed or faulted.
 *
 * A held (timeout) call or a latency sleep is released when the server closes, so closing a
 * simulator never waits on a request that was told to hang.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SimEngine } from './engine.ts';
import type { FaultKind, FiredFault } from './faults.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Operation name used by the call log, latency and fault rules. */
    simOp?: string | ((req: FastifyRequest) => string);
  }
}

/** A platform error to render: an HTTP status plus the platform's own code and message. */
export interface PlatformErrorInput {
  status: number;
  kind: FaultKind | 'invalid' | 'auth' | 'not_found' | 'conflict' | 'forbidden';
  code?: string | undefined;
  message?: string | undefined;
  op?: string;
}

export interface PlatformRenderers {
  /** Body of a platform error response (the status is set by the caller). */
  renderError(error: PlatformErrorInput): unknown;
  /**
   * The HTTP status a rendered error goes out with; default its own `status`. Envelope
   * platforms answer 200 for their refusals and keep 5xx/429 for what a gateway says.
   */
  errorStatus?(error: PlatformErrorInput): number;
  /** Raw body of a malformed 200 answer; defaults to broken JSON / an unexpected object. */
  renderMalformed?(mode: 'invalid_json' | 'wrong_shape', op: string): string;
}

export interface PlatformHooksOptions extends PlatformRenderers {
  engine: SimEngine;
  /** Fields of a call kept in the call log beside its operation (e.g. a correlation id header). */
  callFields?(req: FastifyRequest): Record<string, string> | undefined;
}

export function opOf(req: FastifyRequest): string | undefined {
  const op = req.routeOptions.config?.simOp;
  return typeof op === 'function' ? op(req) : op;
}

/**
 * Installs the hooks on `app` itself (no encapsulation), so call it inside the context that
 * holds the platform routes.
 */
export function installPlatformHooks(app: FastifyInstance, opts: PlatformHooksOptions): void {
  const { engine } = opts;
  const held = new Set<() => void>();
  let closing = false;

  // Resolves 'elapsed' after ms (never when ms is null) or 'released' on close/abort.
  const hold = (ms: number | null, reply: FastifyReply): Promise<'elapsed' | 'released'> =>
    new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const release = (): void => {
        if (timer) clearTimeout(timer);
        held.delete(release);
        reply.raw.off('close', release);
        resolve('released');
      };
      if (closing) return resolve('released');
      held.add(release);
      reply.raw.once('close', release);
      if (ms !== null)
        timer = setTimeout(() => {
          held.delete(release);
          reply.raw.off('close', release);
          resolve('elapsed');
        }, ms);
    });

  app.addHook('preClose', (done) => {
    closing = true;
    for (const release of [...held]) release();
    done();
  });

  const abandon = (reply: FastifyReply): FastifyReply => {
    reply.hijack();
    reply.raw.destroy();
    return reply;
  };

  app.addHook('preHandler', async (req, reply) => {
    const op = opOf(req);
    if (!op) return;
    const fault = engine.faults.check(op);
    const fields = opts.callFields?.(req);
    engine.calls.record({
      op,
      at: engine.clock.now(),
      method: req.method,
      url: req.url,
      fault: fault?.kind ?? null,
      ...(fields ? { fields } : {}),
    });
    if (fault?.kind === 'lost_answer') {
      // The platform acts later whether or not the caller still listens; only a closing server stops it.
      await new Promise<void>((resolve) => {
        const release = () => {
          clearTimeout(timer);
          held.delete(release);
          resolve();
        };
        const timer = setTimeout(release, fault.holdMs ?? 0);
        held.add(release);
      });
      lostAnswers.add(reply);
      return;
    }
    const delay = engine.latencyMs();
    if (delay > 0 && (await hold(delay, reply)) === 'released') return abandon(reply);
    if (!fault) return;
    return sendFault(fault, reply);
  });

  // The handler ran and changed the platform; its answer is dropped on the floor.
  const lostAnswers = new WeakSet<FastifyReply>();
  app.addHook('onSend', async (_req, reply, payload) => {
    if (!lostAnswers.has(reply)) return payload;
    reply.raw.destroy();
    return payload;
  });

  const sendError = (reply: FastifyReply, error: PlatformErrorInput): FastifyReply =>
    reply.code(opts.errorStatus?.(error) ?? error.status).send(opts.renderError(error));

  const sendFault = async (fault: FiredFault, reply: FastifyReply): Promise<FastifyReply> => {
    switch (fault.kind) {
      case 'timeout': {
        if ((await hold(fault.holdMs, reply)) === 'released') return abandon(reply);
        return sendError(reply, {
          status: 504,
          kind: 'timeout',
          code: fault.code,
          message: fault.message ?? 'Gateway Timeout',
          op: fault.op,
        });
      }
      case 'rate_limit':
        return sendError(reply.header('Retry-After', String(fault.retryAfterSec)), {
          status: fault.status,
          kind: 'rate_limit',
          code: fault.code,
          message: fault.message ?? 'Too Many Requests',
          op: fault.op,
        });
      case 'malformed': {
        const body = opts.renderMalformed?.(fault.malformed, fault.op) ?? defaultMalformed(fault.malformed);
        return reply.code(fault.status).header('content-type', 'application/json; charset=utf-8').send(body);
      }
      case 'lost_answer':
        return reply; // handled before the handler runs
      case 'http_error':
      case 'refuse':
        return sendError(reply, {
          status: fault.status,
          kind: fault.kind,
          code: fault.code,
          message: fault.message,
          op: fault.op,
        });
    }
  };
}

function defaultMalformed(mode: 'invalid_json' | 'wrong_shape'): string {
  return mode === 'invalid_json' ? '{"result": [{"id": "trunc' : '{"unexpected":true,"items":"not-a-list"}';
}
