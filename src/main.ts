/**
 * The one entry point: `cloudplane api|worker|sim|all` (default all).
 * Starts the role, then shuts it down gracefully on SIGTERM/SIGINT: stop
 * taking work, finish or hand back what is in flight, close connections,
 * exit. A second signal or the grace period running out forces the exit.
 */
import closeWithGrace from 'close-with-grace';
import { z } from 'zod';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { createLogger, type Logger } from './logger.ts';
import { startLocalStores } from './local-stores/local-stores.ts';
import { createPrisma } from './db/client.ts';
import { applyMigrations, ensureDatabase } from './db/migrate.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { bullConnection, createRedis, reconnectBackoff } from './db/redis.ts';
import { storeOutage } from './db/store-errors.ts';
import { createStoreHealth } from './db/store-health.ts';
import { definitions } from './providers/registry.ts';
import { buildApp } from './server/app.ts';
import { createMetricsRegistry } from './server/metrics.ts';
import { createServices } from './server/services.ts';
import { ApiError } from './domain/errors.ts';
import { createQueue } from './tasks/queue.ts';
import { startSweeper } from './tasks/sweeper.ts';
import { startRetention } from './tasks/retention.ts';
import { createLeases } from './db/leases.ts';
import { startWorker } from './tasks/worker.ts';

const Role = z.enum(['api', 'worker', 'sim', 'all']);
type Role = z.infer<typeof Role>;

type Closer = () => Promise<unknown>;

/** Engine settings the worker uses beyond the configuration. */
const MAX_ATTEMPTS_PER_ITEM = 5;
/** How often the worker role purges history past its retention (docs/history.md). */
const RETENTION_EVERY_MS = 3_600_000;

/** Waits for PostgreSQL at start (an orchestrator may start us first): one line, then a retry every bound. */
async function untilReachable<T>(logger: Logger, config: Config, what: string, attempt: () => Promise<T>): Promise<T> {
  for (let logged = false; ;) {
    try {
      return await attempt();
    } catch (err) {
      if (!storeOutage(err) && !isConnectionRefused(err)) throw err;
      if (!logged) logger.warn({ err: (err as Error).message }, `${what}: PostgreSQL is unreachable; waiting for it`);
      logged = true;
      await sleep(config.stores.recoveryMs);
    }
  }
}

const isConnectionRefused = (err: unknown) =>
  ['ECONNREFUSED', 'ECONNRESET', '57P03'].includes(String((err as { code?: unknown }).code));

async function prepareDatabase(config: Config, logger: Logger) {
  if (config.createDatabase) {
    const created = await untilReachable(logger, config, 'start', () => ensureDatabase(config.databaseUrl));
    if (created) logger.info('created database');
  }
  if (config.migrateOnStart) {
    const applied = await untilReachable(logger, config, 'migrate', () => applyMigrations(config.databaseUrl));
    logger.info({ applied }, applied.length ? 'applied migrations' : 'database schema up to date');
  }
}

/** Connections and services shared by the roles this process runs. Closed last (pushed first). */
async function connect(config: Config, logger: Logger, closers: Closer[]) {
  const prisma = createPrisma({ databaseUrl: config.databaseUrl, poolSize: config.dbPoolSize });
  // Open a connection now: the first query of a process pays for setting up the query engine.
  await untilReachable(logger, config, 'connect', () => prisma.$queryRaw`SELECT 1`);
  const reconnect = reconnectBackoff(config.stores.recoveryMs);
  // Connection errors go to the store health, created below (it probes through these clients).
  const redisDown = (err: Error) => health.connectionError('redis', err);
  const redis = createRedis(
    config.redisUrl,
    { enableOfflineQueue: true, maxRetriesPerRequest: 3, retryStrategy: reconnect },
    logger,
    redisDown,
  );
  const subscriber = createRedis(
    config.redisUrl,
    { enableOfflineQueue: true, retryStrategy: reconnect },
    logger,
    redisDown,
  );
  const queue = createQueue({
    connection: bullConnection(config.redisUrl, config.stores.recoveryMs),
    prefix: config.redisPrefix,
  });
  const health = createStoreHealth({
    logger,
    probeMs: config.stores.recoveryMs,
    probes: { postgres: () => prisma.$queryRaw`SELECT 1`, redis: () => redis.ping() },
  });
  queue.queue.on('error', redisDown);
  const metrics = createMetricsRegistry();
  closers.push(
    async () => health.close(),
    () => prisma.$disconnect(),
    async () => redis.disconnect(),
    async () => subscriber.disconnect(),
    () => queue.close(),
  );
  await Promise.all([redis.connect(), subscriber.connect()]).catch((err: Error) =>
    logger.warn({ err: err.message }, 'redis not reachable yet'),
  );
  const services = createServices({
    prisma,
    logger,
    metrics,
    secretKey: config.secretKey,
    inventoryTtlMs: config.inventoryTtlMs,
    catalogTtlMs: config.catalogTtlMs,
    redis,
    subscriber,
    redisPrefix: config.redisPrefix,
    queue,
    tasks: { ...config.tasks, maxAttempts: MAX_ATTEMPTS_PER_ITEM, retryDelayMs: config.stores.recoveryMs },
    enqueueTimeoutMs: config.stores.enqueueTimeoutMs,
  });
  closers.unshift(() => services.close());
  return { prisma, redis, subscriber, queue, health, metrics, services };
}

/** Serves each platform simulator on its own port, from CLOUDPLANE_SIM_BASE_PORT up. */
async function startSimulators(config: Config, logger: Logger, closers: Closer[]) {
  const endpoints = new Map<string, string>();
  for (const [i, definition] of definitions().entries()) {
    const running = await definition.simulator.start({ host: config.sim.host, port: config.sim.basePort + i });
    closers.push(() => running.close());
    endpoints.set(definition.kind, running.baseUrl);
    logger.info({ provider: definition.kind, url: running.baseUrl }, 'simulator listening');
  }
  return endpoints;
}

/**
 * A newcomer's start: a demo account for each simulator, made once. Each is looked for by name, so
 * a platform added later gets its demo account on the next start, and one the user deleted or
 * renamed is made again only under its own name.
 */
async function registerDemoAccounts(
  shared: Awaited<ReturnType<typeof connect>>,
  endpoints: Map<string, string>,
  logger: Logger,
) {
  for (const definition of definitions()) {
    const endpoint = endpoints.get(definition.kind);
    if (!endpoint) continue;
    const seed = definition.simulator.demoAccount(endpoint);
    if (await shared.prisma.account.findFirst({ where: { name: seed.name, deletedAt: null }, select: { id: true } }))
      continue;
    // Another replica starting at the same moment may make it first (the name is unique).
    const account = await shared.services.accounts
      .create({ ...seed, provider: definition.kind })
      .catch((err: unknown) => {
        if (err instanceof ApiError && err.slug === 'conflict') return null;
        throw err;
      });
    if (account)
      logger.info({ accountId: account.id, provider: definition.kind }, 'registered demo account for the simulator');
  }
}

async function startApi(
  config: Config,
  logger: Logger,
  closers: Closer[],
  shared: Awaited<ReturnType<typeof connect>>,
) {
  const { prisma, redis, subscriber, queue, health, metrics, services } = shared;
  const { generated } = await services.apiKeys.ensureBootstrapAdmin(config.adminApiKey);
  if (generated) {
    // Printed once, outside the log stream, so the key never lands in collected logs.
    process.stderr.write(
      `\nNo admin API key existed, so one was created. It is shown only now:\n\n  ${generated}\n\n` +
        'Set it as CLOUDPLANE_ADMIN_API_KEY for scripts, or mint scoped keys with POST /v1/api-keys.\n\n',
    );
  }
  const app = await buildApp({
    logger,
    bodyLimitBytes: config.bodyLimitBytes,
    prisma,
    services,
    fingerprintKey: services.fingerprintKey,
    metrics,
    health,
    readiness: {
      postgres: () => prisma.$queryRaw`SELECT 1`,
      redis: () => redis.ping(),
      // The queue's own connection, not just ours: a POST enqueues through it.
      queue: () => queue.ready(),
      events: async () => {
        if (subscriber.status !== 'ready') throw new Error(`event subscription is ${subscriber.status}`);
      },
    },
  });
  // Closed first (unshift): stop accepting requests before the pools go.
  closers.unshift(() => app.close());
  await app.listen({ port: config.port, host: config.host });
}

function startWorkerRole(
  config: Config,
  logger: Logger,
  closers: Closer[],
  shared: Awaited<ReturnType<typeof connect>>,
) {
  const running = startWorker({
    connection: bullConnection(config.redisUrl, config.stores.recoveryMs),
    prefix: config.redisPrefix,
    concurrency: config.workerConcurrency,
    logger,
    lockDurationMs: config.tasks.jobLockMs,
    engine: shared.services.engine(),
    health: shared.health,
    sweepEveryMs: config.stores.sweepMs,
    retryDelayMs: config.stores.recoveryMs,
    orphanAuditMs: config.orphanAuditMs,
  });
  closers.unshift(() => running.close());
  const retention = startRetention({
    prisma: shared.prisma,
    leases: createLeases(shared.redis, config.redisPrefix),
    logger,
    everyMs: RETENTION_EVERY_MS,
    settings: config.retention,
    isStoreOutage: (err) => shared.health.report(err),
  });
  closers.unshift(() => retention.close());
  logger.info({ concurrency: config.workerConcurrency }, 'worker started');
}

async function main() {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`cloudplane: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const parsedRole = Role.safeParse(process.argv[2] ?? 'all');
  if (!parsedRole.success) {
    process.stderr.write(`cloudplane: unknown role "${process.argv[2]}"; use one of ${Role.options.join(', ')}\n`);
    process.exit(2);
  }
  const role: Role = parsedRole.data;
  const logger = createLogger(config.logLevel).child({ role });
  if (config.secretKeyIsDevelopmentDefault) {
    logger.warn(
      'CLOUDPLANE_SECRET_KEY is unset or the development key: account credentials are encrypted with a key published in the source',
    );
  }

  const closers: Closer[] = [];
  let localStores: Awaited<ReturnType<typeof startLocalStores>> | undefined;
  closeWithGrace({ delay: config.shutdownGraceMs, logger }, async ({ signal, err }) => {
    if (err) logger.error({ err }, 'shutting down after an error');
    else logger.info({ signal }, 'shutting down');
    for (const close of closers) {
      await close().catch((e: Error) => logger.warn({ err: e.message }, 'error while closing'));
    }
    // The stores this process started go last, once nothing uses them.
    await localStores?.close();
  });

  const simulators = role === 'sim' || role === 'all' ? await startSimulators(config, logger, closers) : undefined;
  if (role === 'sim') return;
  if (role === 'all') {
    // A fresh machine: start the stores left at their default URLs that nothing answers at.
    const { dataDir, postgres, redis } = config.localStores;
    localStores = await startLocalStores({
      dataDir,
      postgresUrl: postgres ? config.databaseUrl : undefined,
      redisUrl: redis ? config.redisUrl : undefined,
      logger,
    });
  }
  await prepareDatabase(config, logger);
  const shared = await connect(config, logger, closers);
  if (role === 'api' || role === 'all') {
    await startApi(config, logger, closers, shared);
    if (simulators) await registerDemoAccounts(shared, simulators, logger);
  }
  if (role === 'worker' || role === 'all') startWorkerRole(config, logger, closers, shared);
  else {
    // An API replica repairs lost jobs too, so recovery never waits for one particular process.
    const sweeper = startSweeper({
      prisma: shared.prisma,
      queue: shared.queue,
      logger,
      everyMs: config.stores.sweepMs,
      retryDelayMs: config.stores.recoveryMs,
      health: shared.health,
    });
    closers.unshift(() => sweeper.close());
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`cloudplane: failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
