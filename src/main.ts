/**
 * The one entry point: `cloudplane api|worker|sim|all` (default all).
 * Starts the role, then shuts it down gracefully on SIGTERM/SIGINT: stop
 * taking work, finish or hand back what is in flight, close connections,
 * exit. A second signal or the grace period running out forces the exit.
 */
// First, before any other module allocates or compiles: V8's memory settings (see the module).
import './v8-flags.ts';
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
import { registerStoreCollectors } from './server/metric-collectors.ts';
import { startMetricsListener } from './server/metrics-listener.ts';
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

/**
 * Shutdown runs the stoppers together first (servers, workers and loops stop taking work; event
 * streams end at once), then the closers one by one (services, then pools and connections).
 */
const stoppers: Closer[] = [];

/** A second SIGINT/SIGTERM this soon after the first is the same request delivered twice (see onSignal). */
const DUPLICATE_SIGNAL_MS = 1_000;
/**
 * Set by the first SIGINT/SIGTERM. A signal can arrive while the process is still starting; the
 * shutdown then closes the pools under the start's feet, and what fails because of that is the
 * shutdown working, not a failed start.
 */
let shutdownRequested = false;

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
  registerStoreCollectors(metrics, { prisma, queue });
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
    refreshHotMs: config.refreshHotMs,
    liveCallWaitMs: config.liveCallWaitMs,
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
    metricsToken: config.metrics.token,
    rateLimit: config.rateLimit && { ...config.rateLimit, redis, prefix: config.redisPrefix },
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
  // A stopper: stop accepting requests (and end event streams) before the pools go.
  stoppers.push(() => app.close());
  await app.listen({ port: config.port, host: config.host });
}

async function startWorkerRole(
  config: Config,
  logger: Logger,
  closers: Closer[],
  shared: Awaited<ReturnType<typeof connect>>,
  serveMetrics: boolean,
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
  stoppers.push(() => running.close());
  const refresher = shared.services.startRefresher((err) => shared.health.report(err));
  stoppers.push(() => refresher.close());
  const retention = startRetention({
    prisma: shared.prisma,
    leases: createLeases(shared.redis, config.redisPrefix),
    logger,
    everyMs: RETENTION_EVERY_MS,
    settings: config.retention,
    isStoreOutage: (err) => shared.health.report(err),
  });
  stoppers.push(() => retention.close());
  logger.info({ concurrency: config.workerConcurrency }, 'worker started');
  if (!serveMetrics) return;
  // Metrics matter less than the tasks: a port already taken is logged, and the worker runs on.
  await startMetricsListener({
    registry: shared.metrics,
    host: config.host,
    port: config.metrics.workerPort,
    token: config.metrics.token,
    logger,
  }).then(
    (listener) => closers.unshift(() => listener.close()),
    (err: Error) => logger.error({ err: err.message, port: config.metrics.workerPort }, 'cannot serve /metrics'),
  );
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
  const closing = (close: Closer) =>
    close().catch((e: Error) => logger.warn({ err: e.message }, 'error while closing'));
  const grace = closeWithGrace(
    { delay: config.shutdownGraceMs, logger, skip: ['SIGINT', 'SIGTERM'] },
    async ({ err }) => {
      if (err) logger.error({ err }, 'shutting down after an error');
      const started = Date.now();
      await Promise.all(stoppers.map(closing));
      for (const close of closers) await closing(close);
      // The stores this process started go last, once nothing uses them.
      await localStores?.close();
      logger.info({ ms: Date.now() - started }, 'shut down');
    },
  );
  // SIGINT and SIGTERM are ours, not close-with-grace's: it treats any second signal as "force",
  // but Ctrl-C under `npm start` reaches npm and this process (one process group) and npm forwards
  // its copy too — one keypress, two signals. A repeat within DUPLICATE_SIGNAL_MS is that echo.
  let firstSignalAt = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    if (!firstSignalAt) {
      firstSignalAt = Date.now();
      shutdownRequested = true;
      logger.info({ signal }, 'shutting down');
      void grace.close();
    } else if (Date.now() - firstSignalAt > DUPLICATE_SIGNAL_MS) {
      logger.error({ signal }, 'second signal: exiting before the shutdown finished');
      process.exit(1);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

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
  // Each part checks first: one started after the shutdown began would run until the exit.
  if (shutdownRequested) return;
  if (role === 'api' || role === 'all') {
    // Before the port opens, so a ready service already has its demo accounts.
    if (simulators) await registerDemoAccounts(shared, simulators, logger);
    await startApi(config, logger, closers, shared);
  }
  if (shutdownRequested) return;
  // Role `all` serves /metrics on its API port; a lone worker needs a listener of its own.
  if (role === 'worker' || role === 'all') await startWorkerRole(config, logger, closers, shared, role === 'worker');
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
    stoppers.push(() => sweeper.close());
  }
}

main().catch((err: unknown) => {
  // The shutdown under way ends the process (exit 0 once everything closed, 1 past its grace).
  if (shutdownRequested) return;
  process.stderr.write(`cloudplane: failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
