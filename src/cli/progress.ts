/**
 * Shows a followed task on stderr (stdout stays for the result): on a
 * terminal, one live frame (status, a progress bar, counts, the latest
 * events) redrawn in place; elsewhere (CI logs), plain timestamped lines —
 * status and count changes, notable events, and every event with --verbose.
 */
import { createLogUpdate } from 'log-update';
import type { TaskView } from './schemas.ts';
import type { FollowHooks, TaskEventView } from './watch.ts';

export interface Reporter extends FollowHooks {
  /** Stop drawing (a prompt is about to use the terminal). */
  pause(): void;
  resume(): void;
  /** Leave the last frame on screen and stop every timer. */
  stop(): void;
}

export interface ReporterOptions {
  stream: NodeJS.WritableStream;
  tty: boolean;
  verbose: boolean;
  /** What is being followed, e.g. `expand web`. */
  label: string;
}

const LATEST_EVENTS = 5;
const BAR_WIDTH = 28;
/** Plain mode prints a count change at most this often (status changes always). */
const PLAIN_PROGRESS_EVERY_MS = 2_000;
/** Shown in plain mode without --verbose: what a CI log reader needs. */
const NOTABLE = /^task\.|^item\.(failed|retry)$/;

const clock = (iso?: string) => {
  const d = iso ? new Date(iso) : new Date();
  return Number.isNaN(d.getTime()) ? '--:--:--' : d.toTimeString().slice(0, 8);
};

export function formatEvent(e: TaskEventView): string {
  const { at, seq, status, ...rest } = e.data as Record<string, unknown> & { at?: string };
  const parts = [clock(at), e.type];
  if (typeof seq === 'number') parts.push(`#${seq}`);
  if (typeof status === 'string') parts.push(status);
  for (const [k, v] of Object.entries(rest)) {
    if (v === null || v === undefined) continue;
    parts.push(`${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  }
  return parts.join(' ');
}

export function formatCounts(t: TaskView): string {
  const c = t.counts;
  return `${c.succeeded + c.failed}/${c.requested} done (${c.succeeded} succeeded, ${c.failed} failed, ${c.inProgress} in progress)`;
}

export function progressBar(t: TaskView, width = BAR_WIDTH): string {
  const { requested, succeeded, failed } = t.counts;
  const ratio = requested > 0 ? Math.min(1, (succeeded + failed) / requested) : 0;
  const full = Math.round(ratio * width);
  return `[${'█'.repeat(full)}${'░'.repeat(width - full)}] ${Math.round(ratio * 100)}%`;
}

const shortId = (id: string) => id.slice(0, 8);

function elapsed(since: number): string {
  const s = Math.floor((Date.now() - since) / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

function ttyReporter(opts: ReporterOptions): Reporter {
  const draw = createLogUpdate(opts.stream as NodeJS.WriteStream, { showCursor: true });
  const started = Date.now();
  const latest: string[] = [];
  let task: TaskView | null = null;
  let notice = '';
  let paused = false;
  const render = () => {
    if (paused) return;
    const head = `${opts.label}  task ${task ? shortId(task.id) : '…'}  ${task?.status ?? 'connecting'}  ${elapsed(started)}`;
    const lines = [head];
    if (task) lines.push(`${progressBar(task)}  ${formatCounts(task)}`);
    for (const l of latest) lines.push(`  ${l}`);
    if (notice) lines.push(`  (${notice})`);
    draw(lines.join('\n'));
  };
  const ticker = setInterval(render, 1_000);
  ticker.unref();
  return {
    task(t) {
      task = t;
      render();
    },
    event(e) {
      latest.push(formatEvent(e));
      if (latest.length > LATEST_EVENTS) latest.shift();
      notice = '';
      render();
    },
    notice(message) {
      notice = message;
      render();
    },
    pause() {
      paused = true;
      draw.clear();
    },
    resume() {
      paused = false;
      render();
    },
    stop() {
      clearInterval(ticker);
      paused = false;
      render();
      draw.done();
    },
  };
}

function plainReporter(opts: ReporterOptions): Reporter {
  const line = (text: string) => opts.stream.write(`${clock()} ${text}\n`);
  let lastStatus = '';
  let lastCounts = '';
  let lastPrinted = 0;
  return {
    task(t) {
      const counts = formatCounts(t);
      const statusChanged = t.status !== lastStatus;
      if (!statusChanged && (counts === lastCounts || Date.now() - lastPrinted < PLAIN_PROGRESS_EVERY_MS)) return;
      line(`${opts.label}: task ${t.id} ${t.status}, ${counts}`);
      lastStatus = t.status;
      lastCounts = counts;
      lastPrinted = Date.now();
    },
    event(e) {
      if (opts.verbose || NOTABLE.test(e.type)) opts.stream.write(`${formatEvent(e)}\n`);
    },
    notice(message) {
      line(message);
    },
    pause() {},
    resume() {},
    stop() {},
  };
}

export function createReporter(opts: ReporterOptions): Reporter {
  return opts.tty ? ttyReporter(opts) : plainReporter(opts);
}
