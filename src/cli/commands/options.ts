/** Option parsers and option groups shared by several commands. */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { parseDuration } from '../duration.ts';
import { UsageError } from '../errors.ts';
import type { WaitFlags } from '../wait.ts';

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError('must be a whole number of at least 1');
  }
  return n;
}

export function duration(value: string): number {
  const ms = parseDuration(value);
  if (ms === null || ms <= 0) throw new InvalidArgumentError('must be a duration such as 90s, 15m or 1h30m');
  return ms;
}

export function list(value: string, previous: string[] = []): string[] {
  return [
    ...previous,
    ...value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  ];
}

export function keyValue(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const at = value.indexOf('=');
  if (at < 1) throw new InvalidArgumentError('must be key=value');
  return { ...previous, [value.slice(0, at)]: value.slice(at + 1) };
}

/** `Examples:` after a command's help, one `$ cloudplane …` line each. */
export function examples(cmd: Command, lines: string[]): Command {
  return cmd.addHelpText('after', `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`);
}

const DEFAULT_RETRY_FOR_MS = 120_000;

/** --wait and its companions, for commands that start or follow a task. */
export function addWaitOptions(cmd: Command, withWaitFlag: boolean): Command {
  if (withWaitFlag) cmd.option('-w, --wait', 'follow the task until it ends; the exit code tells how it ended');
  return cmd
    .option('--timeout <duration>', 'stop waiting after this long (exit 13); implies --wait', duration)
    .option('--poll', 'poll the task instead of following its event stream (for proxies that buffer streams)')
    .addOption(
      new Option('--retry-for <duration>', 'keep retrying an unreachable API this long before giving up (exit 4)')
        .argParser(duration)
        .default(DEFAULT_RETRY_FOR_MS, '2m'),
    )
    .option(
      '--cancel-on-exit',
      'cancel the task when waiting stops early (timeout, SIGINT/SIGTERM without a terminal)',
    );
}

export interface WaitOptionValues {
  wait?: boolean;
  timeout?: number;
  poll?: boolean;
  retryFor: number;
  cancelOnExit?: boolean;
}

/** The wait flags, or null when the command should not wait. */
export function waitFlags(o: WaitOptionValues, always = false): WaitFlags | null {
  const wait = always || o.wait === true || o.timeout !== undefined;
  if (!wait) {
    if (o.poll || o.cancelOnExit) throw new UsageError('--poll and --cancel-on-exit need --wait');
    return null;
  }
  return {
    timeoutMs: o.timeout ?? null,
    retryForMs: o.retryFor,
    poll: o.poll === true,
    cancelOnExit: o.cancelOnExit === true,
  };
}
