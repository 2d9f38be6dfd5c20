/**
 * A Redis of our own for a machine that has none, when `redis-server` is installed: a child
 * process on the configured port, with its append-only file in the data folder so the queue
 * survives a restart, and `noeviction`, which BullMQ needs. Without `redis-server`, one line says
 * how to get one.
 */
import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import type { Logger } from '../logger.ts';
import type { RunningStore } from './embedded-postgres.ts';

export interface LocalRedisOptions {
  dir: string;
  host: string;
  port: number;
  logger: Logger;
  /** How long the server may take to say it is ready. */
  startTimeoutMs?: number;
}

const READY = 'Ready to accept connections';

export async function startLocalRedis(options: LocalRedisOptions): Promise<RunningStore | null> {
  const { dir, host, port, logger, startTimeoutMs = 15_000 } = options;
  await mkdir(dir, { recursive: true });
  const child = spawn(
    'redis-server',
    [
      ...['--bind', host, '--port', String(port), '--dir', dir],
      ...['--appendonly', 'yes', '--save', '', '--maxmemory-policy', 'noeviction', '--daemonize', 'no'],
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4_000);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Whichever way this process ends, the server goes with it.
  const stopWithUs = () => child.kill('SIGTERM');
  process.once('exit', stopWithUs);

  const started = await new Promise<'ready' | 'missing' | Error>((resolve) => {
    const timer = setTimeout(() => resolve(new Error(`not ready after ${startTimeoutMs} ms`)), startTimeoutMs);
    const settle = (outcome: 'ready' | 'missing' | Error) => {
      clearTimeout(timer);
      resolve(outcome);
    };
    child.stdout.on('data', () => output.includes(READY) && settle('ready'));
    child.once('error', (err: NodeJS.ErrnoException) => settle(err.code === 'ENOENT' ? 'missing' : err));
    child.once('exit', (code) => settle(new Error(`exited with code ${code}`)));
  });
  if (started === 'missing') {
    process.removeListener('exit', stopWithUs);
    logger.warn(
      `nothing answers at redis://${host}:${port} and redis-server is not installed: ` +
        'install it (apt-get install redis-server, brew install redis) or set REDIS_URL',
    );
    return null;
  }
  if (started instanceof Error) {
    child.kill('SIGKILL');
    process.removeListener('exit', stopWithUs);
    const last = output.trim().split('\n').slice(-3).join(' | ');
    throw new Error(`local Redis: ${started.message}${last ? `: ${last}` : ''}`);
  }
  logger.info({ dir, url: `redis://${host}:${port}` }, 'local Redis started');
  return {
    async close() {
      process.removeListener('exit', stopWithUs);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      logger.info('local Redis stopped');
    },
  };
}
