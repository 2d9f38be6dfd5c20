/**
 * The `cloudplane` command-line client: parses the command line (commander),
 * runs one command against the HTTP API, and answers the exit code. Errors
 * leave as one or two lines on stderr, never a stack trace, and never the API
 * key. The server roles are not here: they start with `npm start` or
 * `node --import tsx src/main.ts <role>` (see docs/cli.md).
 */
import { Command, CommanderError, Option } from 'commander';
import pkg from '../../package.json' with { type: 'json' };
import { registerAccounts } from './commands/accounts.ts';
import type { Deps } from './commands/action.ts';
import { registerCompletion } from './commands/completion.ts';
import { registerInstances } from './commands/instances.ts';
import { registerProviders } from './commands/providers.ts';
import { registerScale } from './commands/scale.ts';
import { registerTasks } from './commands/tasks.ts';
import { registerTemplates } from './commands/templates.ts';
import { registerUsage } from './commands/usage.ts';
import { contextFactory, type Io } from './context.ts';
import { CliError, UsageError } from './errors.ts';
import { EXIT, EXIT_CODE_TABLE, type ExitCode } from './exit-codes.ts';
import { OUTPUT_FORMATS } from './output.ts';
import { DEFAULT_URL } from './settings.ts';

const SERVER_ROLES = new Set(['api', 'worker', 'sim', 'all', 'serve']);

function rootHelp(): string {
  const codes = EXIT_CODE_TABLE.map(([code, what]) => `  ${String(code).padStart(3)}  ${what}`).join('\n');
  return `
Environment:
  CLOUDPLANE_URL       API base URL (default ${DEFAULT_URL}); --url wins
  CLOUDPLANE_API_KEY   API key sent as a bearer token; --api-key wins (prefer the variable:
                       flags show up in process lists and shell history)

Exit codes:
${codes}

The server itself (roles api, worker, sim, all) starts with \`npm start\` or
\`node --import tsx src/main.ts <role>\`. Reference: docs/cli.md.
`;
}

export function buildProgram(deps: Deps, io: Io): Command {
  const program = new Command('cloudplane');
  program
    .description('Command-line client of the Cloudplane API, for CI pipelines and operators.')
    .usage('<command> [options]')
    .version(pkg.version, '-V, --version')
    .option('--url <url>', `API base URL (env CLOUDPLANE_URL, default ${DEFAULT_URL})`)
    .option('--api-key <key>', 'API key (env CLOUDPLANE_API_KEY)')
    .addOption(new Option('-o, --output <format>', 'output format').choices(OUTPUT_FORMATS).default('table'))
    .option('-v, --verbose', 'with --wait on no terminal: print every task event, not just the notable ones')
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: (s, write) => write(`cloudplane: ${s}`),
    })
    .configureHelp({ showGlobalOptions: true })
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', rootHelp());
  registerProviders(program, deps);
  registerAccounts(program, deps);
  registerTemplates(program, deps);
  registerInstances(program, deps);
  registerScale(program, deps);
  registerTasks(program, deps);
  registerUsage(program, deps);
  registerCompletion(program, deps);
  return program;
}

/** The values given to a flag, as `--flag value` or `--flag=value`. */
function flagValues(argv: string[], flag: string): string[] {
  return argv.flatMap((a, i) =>
    a === flag ? [argv[i + 1] ?? ''] : a.startsWith(`${flag}=`) ? [a.slice(flag.length + 1)] : [],
  );
}

/** Replaces every occurrence of a secret, in case an error ever echoes one. */
function redact(text: string, secrets: (string | undefined)[]): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join('***');
  return out;
}

function exitCodeOf(err: unknown): ExitCode {
  if (err instanceof CommanderError) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return EXIT.ok;
    return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (err instanceof CliError) return err.exitCode;
  return EXIT.internal;
}

/** Runs one command line (without the node and script arguments); answers the exit code. */
export async function run(argv: string[], io: Io): Promise<number> {
  let exitCode: ExitCode = EXIT.ok;
  const context = contextFactory(io, `cloudplane-cli/${pkg.version}`);
  const deps: Deps = { context, setExitCode: (code) => (exitCode = code) };
  const secrets = [io.env.CLOUDPLANE_API_KEY, ...flagValues(argv, '--api-key')];
  try {
    const first = argv[0];
    if (first !== undefined && SERVER_ROLES.has(first)) {
      throw new UsageError(
        `"${first}" is a server role, not a client command: start the server with \`npm start\` (role all) or \`node --import tsx src/main.ts ${first === 'serve' ? '<role>' : first}\``,
      );
    }
    await buildProgram(deps, io).parseAsync(argv, { from: 'user' });
  } catch (err) {
    exitCode = exitCodeOf(err);
    // Commander has already printed its own message.
    if (!(err instanceof CommanderError)) {
      const message =
        err instanceof CliError ? err.message : `internal error: ${(err as Error)?.message ?? String(err)}`;
      const [head, ...rest] = redact(message, secrets).split('\n');
      io.stderr.write(`cloudplane: ${head}\n${rest.map((l) => `  ${l}\n`).join('')}`);
    }
  } finally {
    await context.close();
  }
  return exitCode;
}
