/** Expand/shrink a template's group; follow tasks by polling, listing their machines, or as Server-Sent Events. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Instance } from '../domain/instance.ts';
import { ExpandRequest, ItemState, ShrinkRequest, Task, TaskKind, TaskStatus } from '../domain/task.ts';
import { PageQuery, pageOf } from './pagination.ts';
import { plainJson } from './plain-json.ts';
import type { EventWaker } from './task-event-waker.ts';
import type { TaskService } from './task-service.ts';
import type { OperationContract } from '../server/openapi-contract.ts';
import { validationFailed } from './validation.ts';

const IdParams = z.object({ id: z.uuid() });
const Accepted = { 202: Task };
const ACCEPTED_CONTRACT: OperationContract = {
  problems: ['provider-unsupported'],
  headers: { 202: ['location', 'retry-after'] },
};
/** A dashboard polling a fresh task should come back about this soon. */
const RETRY_AFTER_SECONDS = '2';

const TaskItemView = z
  .object({
    seq: z.number().int(),
    action: z.enum(['create', 'delete']),
    state: ItemState,
    marker: z.string(),
    providerId: z.string().nullable(),
    instanceId: z.uuid().nullable(),
    attempts: z.number().int(),
    errorCode: z.string().nullable(),
    errorMessage: z.string().nullable(),
    instance: Instance.nullable(),
  })
  .meta({ id: 'TaskItem' });

const ListQuery = PageQuery.extend({
  status: TaskStatus.optional(),
  kind: TaskKind.optional(),
  template: z.uuid().optional(),
  since: z.iso.datetime({ offset: true }).optional().describe('Only tasks created at or after this instant'),
});

/** How soon a stream ended by a shutdown reconnects (to another replica, behind a load balancer). */
const SHUTDOWN_RETRY_MS = 500;

/** Items are numbered 1…count; a cursor outside that is not one this API issued. */
const MAX_SEQ = 1_000_000;

function seqCursor(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  const n = Number(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!Number.isInteger(n) || n < 0 || n > MAX_SEQ) {
    throw validationFailed([{ in: 'query', pointer: '/cursor', detail: 'unknown cursor' }]);
  }
  return n;
}

/** Ties a task to the Idempotency-Key that asked for it, per API key (see docs/idempotency.md). */
function requestKey(req: {
  headers: Record<string, string | string[] | undefined>;
  principal: { keyId: string } | null;
}) {
  const key = req.headers['idempotency-key'];
  return typeof key === 'string' && req.principal ? `${req.principal.keyId}:${key}` : null;
}

/** The audit entry of a task request: the task as accepted, and the task's own reason when it has one. */
const taskChange = (verb: 'expand' | 'shrink' | 'cancel', task: Task) => ({
  action: `task.${verb}`,
  resourceType: 'task' as const,
  resourceId: task.id,
  after: task,
  ...(verb !== 'cancel' && task.reason ? { reason: task.reason } : {}),
});

export const taskRoutes: FastifyPluginAsyncZod<{ tasks: TaskService; waker: EventWaker }> = async (
  app,
  { tasks, waker },
) => {
  const tags = ['tasks'];
  // On close, open streams say goodbye and end at once, so the server's close does not wait on them.
  const streams = new Set<AbortController>();
  let shuttingDown = false;
  app.addHook('preClose', async () => {
    shuttingDown = true;
    for (const stream of streams) stream.abort();
  });
  const accepted = (reply: { code(n: number): unknown; header(k: string, v: string): unknown }, task: Task) => {
    reply.code(202);
    reply.header('location', `/v1/tasks/${task.id}`);
    reply.header('retry-after', RETRY_AFTER_SECONDS);
    return task;
  };

  app.post(
    '/v1/templates/:id/expand',
    {
      config: { scope: 'write', idempotent: true },
      schema: {
        tags,
        operationId: 'expandTemplate',
        summary: "Add machines to a template's group",
        description:
          'Answers 202 with the task; it runs in a worker, one task per template at a time (later ones queue).',
        params: IdParams,
        body: ExpandRequest,
        response: Accepted,
        contract: ACCEPTED_CONTRACT,
      },
    },
    async (req, reply) => {
      const task = await tasks.expand(req.params.id, req.body, req.principal, requestKey(req));
      await app.audit.record(taskChange('expand', task));
      return accepted(reply, task);
    },
  );

  app.post(
    '/v1/templates/:id/shrink',
    {
      config: { scope: 'write', idempotent: true },
      schema: {
        tags,
        operationId: 'shrinkTemplate',
        summary: "Remove machines from a template's group",
        description: 'Give `count` (victims chosen by `policy`, broken machines first) or exact `instanceIds`.',
        params: IdParams,
        body: ShrinkRequest,
        response: Accepted,
        contract: ACCEPTED_CONTRACT,
      },
    },
    async (req, reply) => {
      const task = await tasks.shrink(req.params.id, req.body, req.principal, requestKey(req));
      await app.audit.record(taskChange('shrink', task));
      return accepted(reply, task);
    },
  );

  app.get(
    '/v1/tasks',
    {
      config: { scope: 'read' },
      schema: {
        operationId: 'listTasks',
        tags,
        summary: 'List tasks, newest first',
        querystring: ListQuery,
        response: { 200: pageOf(Task) },
      },
    },
    async (req) => tasks.list({ ...req.query, since: req.query.since ? new Date(req.query.since) : undefined }),
  );

  app.get(
    '/v1/tasks/:id',
    {
      config: { scope: 'read' },
      // Dashboards and pipelines poll it while a task runs.
      serializerCompiler: plainJson,
      schema: {
        operationId: 'getTask',
        tags,
        summary: 'Get a task with its counts',
        params: IdParams,
        response: { 200: Task },
      },
    },
    async (req) => tasks.get(req.params.id),
  );

  app.post(
    '/v1/tasks/:id/cancel',
    {
      config: { scope: 'write' },
      schema: {
        tags,
        operationId: 'cancelTask',
        summary: 'Cancel a task',
        description:
          'A queued task is cancelled at once. A running one stops starting machines, lets the ones in flight settle, then ends `cancelled`.',
        params: IdParams,
        response: { 202: Task },
        contract: { problems: ['conflict'] },
      },
    },
    async (req, reply) => {
      const task = await tasks.cancel(req.params.id);
      await app.audit.record(taskChange('cancel', task));
      reply.code(202);
      return task;
    },
  );

  app.get(
    '/v1/tasks/:id/instances',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        operationId: 'listTaskInstances',
        summary: 'The machines a task created or deleted, item by item',
        params: IdParams,
        querystring: PageQuery,
        response: { 200: pageOf(TaskItemView) },
      },
    },
    async (req) => tasks.items(req.params.id, req.query.limit, seqCursor(req.query.cursor)),
  );

  app.get(
    '/v1/tasks/:id/events',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        operationId: 'streamTaskEvents',
        summary: "A task's events as Server-Sent Events",
        description:
          'Replays past events (after `Last-Event-ID` when given), then streams new ones; ends with an `end` event once the task is final. Works through any API replica. A replica that shuts down ends its streams with a `shutdown` event and a short `retry:`, so the client reconnects (with `Last-Event-ID`) to another one.',
        params: IdParams,
        headers: z.object({
          'last-event-id': z
            .string()
            .regex(/^\d{1,18}$/, 'an event id this stream sent')
            .optional(),
        }),
        contract: {
          eventStream:
            "Server-Sent Events: each event has an `id` (send it back as `Last-Event-ID` to resume), an `event` naming its type and `data` as JSON with `at` and the event's details; an `end` event closes the stream.",
        },
      },
    },
    async (req, reply) => {
      const id = req.params.id;
      let after = BigInt(req.headers['last-event-id'] ?? '0');
      await tasks.get(id); // 404 as a problem, before the stream starts

      // Aborted when the client goes or the server shuts down.
      const stop = new AbortController();
      let clientGone = false;
      req.raw.on('close', () => {
        clientGone = true;
        stop.abort();
      });
      if (shuttingDown) stop.abort();
      streams.add(stop);
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
        'x-request-id': String(req.id),
      });
      res.write('retry: 2000\n\n');
      app.opsMetrics.eventStreams.inc();
      try {
        let ended = false;
        while (!stop.signal.aborted) {
          const { events, final } = await tasks.eventsAfter(id, after, 500);
          for (const e of events) {
            res.write(
              `id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify({ at: e.at, ...(e.data as object) })}\n\n`,
            );
            after = e.id;
          }
          if (events.length === 500) continue;
          if (final) {
            res.write('event: end\ndata: {}\n\n');
            ended = true;
            break;
          }
          await waker.wait(id, 2_000, stop.signal);
          if (!stop.signal.aborted) res.write(': keep-alive\n\n');
        }
        // No `id:` line: the client keeps the last event id it saw and resumes from it elsewhere.
        if (shuttingDown && !ended && !clientGone)
          res.write(`event: shutdown\nretry: ${SHUTDOWN_RETRY_MS}\ndata: {"reconnect":true}\n\n`);
      } catch (err) {
        req.log.warn({ err: (err as Error).message }, 'event stream ended early');
      } finally {
        streams.delete(stop);
        app.opsMetrics.eventStreams.dec();
        res.end();
        // A closing server waits for every connection: do not leave this one idle in keep-alive.
        if (shuttingDown) res.socket?.end();
      }
    },
  );
};
