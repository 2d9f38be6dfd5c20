/** Wires a command's action to its context and exit code. */
import type { Command } from 'commander';
import type { Context, ContextFactory } from '../context.ts';
import { EXIT, type ExitCode } from '../exit-codes.ts';

export interface Deps {
  context: ContextFactory;
  setExitCode(code: ExitCode): void;
}

/**
 * Commander calls an action with the positional arguments, the options and the
 * command; `fn` gets the context first and answers its exit code (0 when void).
 */
export function action<A extends unknown[]>(deps: Deps, fn: (ctx: Context, ...args: A) => Promise<ExitCode | void>) {
  return async (...args: unknown[]) => {
    const cmd = args[args.length - 1] as Command;
    const code = await fn(deps.context(cmd), ...(args.slice(0, -1) as A));
    deps.setExitCode(code ?? EXIT.ok);
  };
}
