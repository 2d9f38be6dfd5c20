/**
 * Runs the real `cloudplane` bin as a child process (node bin/cloudplane.mjs),
 * with a clean environment: only what a test passes, so no CI variable of the
 * machine running the suite leaks into a key derivation. Every child a test
 * file starts is killed in afterAll if it is still alive.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, vi } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const alive = new Set<ChildProcess>();

afterAll(() => {
  for (const child of alive) child.kill('SIGKILL');
});

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves once stderr matches (with a deadline). */
  waitForStderr(pattern: RegExp, timeout?: number): Promise<void>;
  done: Promise<CliResult>;
}

export function startCli(args: string[], env: Record<string, string> = {}): CliProcess {
  const child = spawn(process.execPath, ['bin/cloudplane.mjs', ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  alive.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliResult>((resolve) =>
    child.on('close', (code, signal) => {
      alive.delete(child);
      resolve({ code, signal, stdout, stderr });
    }),
  );
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    async waitForStderr(pattern, timeout = 20_000) {
      await vi.waitFor(
        () => {
          if (!pattern.test(stderr)) throw new Error(`stderr has no ${pattern}; so far:\n${stderr}`);
        },
        { timeout, interval: 50 },
      );
    },
    done,
  };
}

/** Runs the CLI to its end. */
export function cli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return startCli(args, env).done;
}
