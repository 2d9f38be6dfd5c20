/**
 * Errors the CLI reports to its user: each carries its exit code and a
 * message of one or two lines. Anything else that escapes is a bug and
 * exits 1, still without a stack trace.
 */
import { EXIT, exitCodeForHttpStatus, type ExitCode } from './exit-codes.ts';
import type { Problem } from './schemas.ts';

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export class UsageError extends CliError {
  constructor(message: string) {
    super(message, EXIT.usage);
    this.name = 'UsageError';
  }
}

/** The API answered with a problem (RFC 9457), or a non-success status without one. */
export class ProblemError extends CliError {
  constructor(
    readonly status: number,
    readonly problem: Problem,
    readonly retryAfterMs: number | null = null,
  ) {
    super(formatProblem(status, problem), exitCodeForHttpStatus(status));
    this.name = 'ProblemError';
  }
}

/** The API could not be reached (refused, reset, DNS, timeouts). */
export class ConnectionError extends CliError {
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`cannot reach the API at ${url}: ${reason}`, EXIT.unreachable);
    this.name = 'ConnectionError';
  }
}

/** The API answered 2xx with a body the CLI does not understand. */
export class UnexpectedAnswerError extends CliError {
  constructor(what: string, detail: string) {
    super(`unexpected answer from the API for ${what}: ${detail}`, EXIT.apiFailed);
    this.name = 'UnexpectedAnswerError';
  }
}

/** A template or account name that matched no resource, or several. */
export class NameError extends CliError {
  constructor(message: string) {
    super(message, EXIT.refused);
    this.name = 'NameError';
  }
}

const MAX_LINE = 400;
const clip = (s: string) => (s.length > MAX_LINE ? `${s.slice(0, MAX_LINE - 1)}…` : s);

/**
 * A problem in at most two lines: title, detail and status first; then what the
 * platform said, or the field errors the detail does not already name.
 */
export function formatProblem(status: number, p: Problem): string {
  const title = p.title ?? `HTTP ${status}`;
  const detail = p.detail && p.detail !== title ? `: ${p.detail}` : '';
  const lines = [clip(`${title}${detail} (${status})`)];
  if (p.providerCode || p.providerMessage) {
    const who = p.provider ? `${p.provider} said` : 'the platform said';
    const code = p.providerCode ? ` ${p.providerCode}` : '';
    // The API often quotes the platform's message in the detail already; the code is the news then.
    const message = p.providerMessage && !(p.detail ?? '').includes(p.providerMessage) ? `: ${p.providerMessage}` : '';
    lines.push(clip(`${who}${code}${message}`));
  } else if (p.errors?.length) {
    const missing = p.errors.filter((e) => !(p.detail ?? '').includes(e.detail));
    if (missing.length) lines.push(clip(missing.map((e) => `${e.pointer ?? ''} ${e.detail}`.trim()).join('; ')));
  }
  return lines.join('\n');
}
