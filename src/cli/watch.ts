/**
 * Follows a task to its end. The event stream (`GET /v1/tasks/{id}/events`)
 * is the fast path; when it drops, the task is read with `GET /v1/tasks/{id}`
 * at once (it may have ended meanwhile), then the stream is reopened with
 * `Last-Event-ID` after a backoff, so no event is shown twice or lost. With
 * `pollOnly`, or when the stream cannot be had at all, the task is polled with
 * a backoff that resets whenever its counts move. The final state always comes
 * from `GET /v1/tasks/{id}`, never from an event.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { isFinalTaskStatus } from '../domain/task.ts';
import { CliError, ConnectionError, ProblemError, UnexpectedAnswerError } from './errors.ts';
import { EXIT } from './exit-codes.ts';
import type { ApiClient } from './http.ts';
import { EventData, TaskView } from './schemas.ts';
import { readEvents } from './sse.ts';

export interface TaskEventView {
  id: string | undefined;
  type: string;
  data: EventData;
}

export interface FollowHooks {
  task(task: TaskView): void;
  event(event: TaskEventView): void;
  notice(message: string): void;
}

export interface FollowOptions {
  /** Give up (TimeoutError) when the task is still open after this long. */
  timeoutMs: number | null;
  /** Give up (the last connection error) after the API was unreachable this long without a break. */
  retryForMs: number;
  /** Never open the event stream; poll only. */
  pollOnly: boolean;
  /** Aborting it stops following; the promise rejects with the signal's reason. */
  signal: AbortSignal;
}

export class TimeoutError extends CliError {
  constructor() {
    super('timeout', EXIT.timeout);
    this.name = 'TimeoutError';
  }
}

const POLL_MIN_MS = 500;
const POLL_MAX_MS = 5_000;
/** While the stream flows, counts are re-read at most this often. */
const REFRESH_MS = 1_000;

const backoff = (n: number) => Math.min(POLL_MIN_MS * 2 ** n, POLL_MAX_MS);

/** Transient: the API is away or failing; keep trying. A 4xx is an answer and ends the watch. */
function isTransient(err: unknown): boolean {
  return err instanceof ConnectionError || (err instanceof ProblemError && err.status >= 500);
}

const sameCounts = (a: TaskView | null, b: TaskView) =>
  a !== null && a.status === b.status && JSON.stringify(a.counts) === JSON.stringify(b.counts);

export async function followTask(
  client: ApiClient,
  taskId: string,
  hooks: FollowHooks,
  opts: FollowOptions,
): Promise<TaskView> {
  const timeout = opts.timeoutMs === null ? null : AbortSignal.timeout(opts.timeoutMs);
  const signal = timeout ? AbortSignal.any([opts.signal, timeout]) : opts.signal;
  const path = `/v1/tasks/${encodeURIComponent(taskId)}`;
  let last: TaskView | null = null;
  let lastEventId: string | undefined;
  let unreachableSince: number | null = null;

  // Background refreshes stop with the watch, whichever way it ends.
  const finished = new AbortController();
  const background = AbortSignal.any([signal, finished.signal]);

  const read = async (sig: AbortSignal = signal) => {
    const task = await client.call(TaskView, 'GET', path, { signal: sig });
    if (!sameCounts(last, task)) hooks.task(task);
    last = task;
    return task;
  };

  /** Counts refresh in the background while events flow: at most one read per REFRESH_MS. */
  let dirty = false;
  let refreshing: Promise<unknown> | null = null;
  let lastRefresh = 0;
  const refreshSoon = () => {
    dirty = true;
    if (refreshing) return;
    const wait = Math.max(0, lastRefresh + REFRESH_MS - Date.now());
    refreshing = sleep(wait, undefined, { signal: background })
      .then(() => {
        dirty = false;
        lastRefresh = Date.now();
        return read(background);
      })
      .catch(() => undefined) // a failed refresh is only a stale bar; the stream or the poll decides
      .finally(() => {
        refreshing = null;
        if (dirty && !background.aborted) refreshSoon();
      });
  };

  /** Connection trouble is told once when it starts and once when it ends, not every round. */
  let streamLost = false;
  const reachable = () => {
    if (unreachableSince !== null) hooks.notice('the API answers again');
    unreachableSince = null;
  };
  const unreachable = (err: unknown) => {
    if (unreachableSince === null) {
      const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
      hooks.notice(`${why}; retrying for up to ${Math.round(opts.retryForMs / 1000)}s`);
    }
    unreachableSince ??= Date.now();
  };

  /** One stream connection. Throws only a refusal (4xx) or an answer that is no event stream. */
  const streamOnce = async (): Promise<{ ended: boolean; delivered: number }> => {
    let delivered = 0;
    try {
      const body = await client.openStream(
        `${path}/events`,
        lastEventId ? { 'last-event-id': lastEventId } : {},
        signal,
      );
      reachable();
      if (streamLost) hooks.notice(`event stream resumed${lastEventId ? ` after event ${lastEventId}` : ''}`);
      streamLost = false;
      for await (const m of readEvents(body)) {
        if (m.event === 'end') return { ended: true, delivered };
        if (m.id) lastEventId = m.id;
        delivered++;
        let data: unknown = {};
        try {
          data = JSON.parse(m.data);
        } catch {
          data = { raw: m.data };
        }
        const parsed = EventData.safeParse(data);
        hooks.event({ id: m.id, type: m.event ?? 'message', data: parsed.success ? parsed.data : {} });
        refreshSoon();
      }
    } catch (err) {
      if (signal.aborted) throw err;
      if (err instanceof UnexpectedAnswerError || (err instanceof ProblemError && !isTransient(err))) throw err;
      if (err instanceof ConnectionError) unreachable(err);
    }
    if (!streamLost) {
      hooks.notice(
        lastEventId
          ? `event stream lost after event ${lastEventId}; polling, then resuming from there`
          : 'event stream lost; polling, then reconnecting',
      );
    }
    streamLost = true;
    return { ended: false, delivered };
  };

  try {
    let task = await read();
    if (isFinalTaskStatus(task.status)) return task;
    let pollOnly = opts.pollOnly;
    // Rounds without progress; the wait before the next poll or reconnect grows with it.
    for (let quiet = 0; ;) {
      if (pollOnly) {
        await sleep(backoff(quiet++), undefined, { signal });
      } else {
        try {
          const outcome = await streamOnce();
          quiet = outcome.delivered > 0 ? 0 : quiet + 1;
        } catch (err) {
          if (!(err instanceof UnexpectedAnswerError)) throw err;
          hooks.notice('the API did not answer with an event stream; polling the task instead');
          pollOnly = true;
        }
      }
      // The final state comes from the task itself, also after an `end` event.
      await refreshing;
      try {
        const before = last;
        task = await read();
        reachable();
        if (isFinalTaskStatus(task.status)) return task;
        if (!sameCounts(before, task)) quiet = 0;
      } catch (err) {
        if (signal.aborted || !isTransient(err)) throw err;
        unreachable(err);
        if (Date.now() - unreachableSince! >= opts.retryForMs) throw err;
      }
      // Before reopening the stream: a server that keeps dropping it is not hammered.
      if (!pollOnly) await sleep(backoff(quiet - 1), undefined, { signal });
    }
  } catch (err) {
    if (timeout?.aborted && !opts.signal.aborted) throw new TimeoutError();
    if (opts.signal.aborted) throw opts.signal.reason;
    throw err;
  } finally {
    finished.abort();
  }
}
