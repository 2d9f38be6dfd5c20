/**
 * The CLI's exit codes: the contract CI pipelines script against. They are
 * documented in docs/cli.md and README.md; never renumber one.
 */
import type { TaskStatus } from '../domain/task.ts';

export const EXIT = {
  /** The command did what it was asked; with --wait, the task succeeded. */
  ok: 0,
  /** A bug in the CLI itself (the message says what). */
  internal: 1,
  /** Bad flags or arguments; nothing was sent. */
  usage: 2,
  /** The API refused the request (a 4xx problem), or a template/account name matched none or several. */
  refused: 3,
  /** The API could not be reached, or stayed unreachable while following a task. */
  unreachable: 4,
  /** The API failed (a 5xx problem) or answered something the CLI does not understand. */
  apiFailed: 5,
  /** The task ended `failed`. */
  taskFailed: 10,
  /** The task ended `partially_succeeded`. */
  taskPartial: 11,
  /** The task ended `cancelled`. */
  taskCancelled: 12,
  /** `--timeout` passed before the task ended; the task keeps running unless --cancel-on-exit. */
  timeout: 13,
  /** Stopped by SIGINT (Ctrl-C) while following a task; the task keeps running unless cancelled. */
  interrupted: 130,
  /** Stopped by SIGTERM while following a task. */
  terminated: 143,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The exit code of a task that has ended; `null` while it is still open. */
export function exitCodeForTaskStatus(status: TaskStatus): ExitCode | null {
  switch (status) {
    case 'succeeded':
      return EXIT.ok;
    case 'partially_succeeded':
      return EXIT.taskPartial;
    case 'failed':
      return EXIT.taskFailed;
    case 'cancelled':
      return EXIT.taskCancelled;
    case 'queued':
    case 'running':
    case 'cancelling':
      return null;
  }
}

/** The exit code of an HTTP answer that is not a success. */
export function exitCodeForHttpStatus(status: number): ExitCode {
  return status >= 400 && status < 500 ? EXIT.refused : EXIT.apiFailed;
}

/** One row per code, for `--help` and the docs. */
export const EXIT_CODE_TABLE: readonly [ExitCode, string][] = [
  [EXIT.ok, 'success (with --wait: the task succeeded)'],
  [EXIT.internal, 'unexpected error in the CLI'],
  [EXIT.usage, 'bad flags or arguments'],
  [EXIT.refused, 'the API refused the request (4xx), or a name matched no or several resources'],
  [EXIT.unreachable, 'the API could not be reached'],
  [EXIT.apiFailed, 'the API failed (5xx) or gave an unexpected answer'],
  [EXIT.taskFailed, 'the task failed'],
  [EXIT.taskPartial, 'the task partially succeeded'],
  [EXIT.taskCancelled, 'the task was cancelled'],
  [EXIT.timeout, '--timeout reached; the task is still running'],
  [EXIT.interrupted, 'interrupted (Ctrl-C); the task is still running unless you cancelled it'],
  [EXIT.terminated, 'terminated (SIGTERM); the task is still running unless --cancel-on-exit'],
];
