/**
 * `--wait`: follow a task with live progress, then print its outcome and
 * answer the exit code of its final status (see exit-codes.ts). Shared by
 * expand, shrink, tasks cancel and tasks watch.
 */
import type { Context } from './context.ts';
import { CliError } from './errors.ts';
import { EXIT, exitCodeForTaskStatus, type ExitCode } from './exit-codes.ts';
import { handleInterrupts, Interrupted } from './interrupt.ts';
import { createReporter, formatCounts } from './progress.ts';
import { TaskView } from './schemas.ts';
import { followTask, TimeoutError } from './watch.ts';

export interface WaitFlags {
  timeoutMs: number | null;
  retryForMs: number;
  poll: boolean;
  cancelOnExit: boolean;
}

/** How a task ended, in one line: what the table output prints on stdout. */
export function summaryLine(label: string, t: TaskView): string {
  const started = Date.parse(t.startedAt ?? t.createdAt);
  const ended = t.finishedAt ? Date.parse(t.finishedAt) : Number.NaN;
  const took = Number.isNaN(started) || Number.isNaN(ended) ? '' : `, ${((ended - started) / 1000).toFixed(1)}s`;
  const c = t.counts;
  return `${label}: ${t.status} — ${c.requested} requested, ${c.succeeded} succeeded, ${c.failed} failed, ${c.inProgress} in progress (task ${t.id}${took})`;
}

async function cancelTask(ctx: Context, taskId: string): Promise<string> {
  try {
    const t = await ctx.client.call(TaskView, 'POST', `/v1/tasks/${encodeURIComponent(taskId)}/cancel`, {
      signal: AbortSignal.timeout(5_000),
    });
    return `cancel requested; the task is ${t.status}`;
  } catch (err) {
    return `could not cancel the task: ${err instanceof CliError ? err.message.split('\n')[0] : String(err)}`;
  }
}

export async function waitForTask(ctx: Context, taskId: string, label: string, flags: WaitFlags): Promise<ExitCode> {
  const reporter = createReporter({
    stream: ctx.io.stderr,
    tty: ctx.io.stderr.isTTY === true,
    verbose: ctx.verbose,
    label,
  });
  const stop = new AbortController();
  const release = handleInterrupts({
    interactive: ctx.interactive,
    stdin: ctx.io.stdin,
    stderr: ctx.io.stderr,
    question: `Cancel task ${taskId}? [y/N] `,
    stop: (reason) => stop.abort(reason),
    cancel: async () => reporter.notice(await cancelTask(ctx, taskId)),
    pause: () => reporter.pause(),
    resume: () => reporter.resume(),
  });
  const resumeHint = `follow it with: cloudplane tasks watch ${taskId}`;
  let last: TaskView | null = null;
  const hooks = { ...reporter, task: (t: TaskView) => ((last = t), reporter.task(t)) };
  try {
    const task = await followTask(ctx.client, taskId, hooks, {
      timeoutMs: flags.timeoutMs,
      retryForMs: flags.retryForMs,
      pollOnly: flags.poll,
      signal: stop.signal,
    });
    reporter.stop();
    ctx.out.result(summaryLine(label, task), task);
    const code = exitCodeForTaskStatus(task.status) ?? EXIT.internal;
    if (code !== EXIT.ok) ctx.out.info(`task ${task.status}${task.errorSummary ? `: ${task.errorSummary}` : ''}`);
    return code;
  } catch (err) {
    reporter.stop();
    if (err instanceof TimeoutError || err instanceof Interrupted) {
      const seen = last as TaskView | null;
      if (seen) ctx.out.result(summaryLine(label, seen), seen);
      const what =
        err instanceof TimeoutError
          ? `timeout: task ${taskId} is still ${seen?.status ?? 'open'}${seen ? `, ${formatCounts(seen)}` : ''}`
          : `${err.message}: stopped following task ${taskId}`;
      if (flags.cancelOnExit) ctx.out.info(`${what}; ${await cancelTask(ctx, taskId)}`);
      else ctx.out.info(`${what}; it keeps running — ${resumeHint}`);
      return err.exitCode;
    }
    // The API went away or refused mid-watch: say what was last known before the error itself.
    const seen = last as TaskView | null;
    if (seen) ctx.out.info(`task ${taskId} was last seen ${seen.status}, ${formatCounts(seen)}; ${resumeHint}`);
    throw err;
  } finally {
    release();
  }
}
