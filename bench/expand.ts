/**
 * Expand benchmark: 1,000 machines against the H3C CloudOS simulator with
 * 100 ms per platform call, a 2 s boot and 50 calls at a time per account.
 * The worker runs as a real child process (its peak RSS and CPU time are
 * measured); the task is submitted through the real API app. Prints wall
 * time, the ideal time (creates / concurrency × latency + boot), their
 * ratio, the overhead per machine ((wall − ideal) / count), the worker's
 * peak RSS and CPU time, and the Postgres rows written per machine.
 *
 *   npm run bench -- --count 1000 --concurrency 50 --latency 100 --boot 2000 [--cold] [--debug]
 *   npm run bench -- --sweep      # 1,000 at 50, 5,000 at 100 and 10,000 at 200, side by side
 *
 * Each size gets its own database, simulator and worker process, so a size's peak RSS is its own.
 * By default one small expand runs first, unmeasured, so the worker is warm (logged in, zone names
 * cached) as a long-lived worker is; --cold measures a worker's very first task instead.
 * --profile DIR writes the worker's CPU profile there (node --cpu-prof); --worker-flags="…" passes
 * Node flags to the worker (e.g. V8 heap settings, to see what they change).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { loadConfig } from '../src/config.ts';
import { bullConnection, createRedis } from '../src/db/redis.ts';
import { createPrisma } from '../src/db/client.ts';
import { applyMigrations, ensureDatabase } from '../src/db/migrate.ts';
import { createLogger } from '../src/logger.ts';
import {
  createH3cSimulator,
  DEFAULT_USER,
  DEFAULT_PROJECT,
  DEFAULT_CATALOG,
} from '../src/providers/h3c-cloudos/simulator.ts';
import { buildApp } from '../src/server/app.ts';
import { createMetricsRegistry } from '../src/server/metrics.ts';
import { createServices } from '../src/server/services.ts';
import { startSimulator } from '../src/sim/index.ts';
import { cpuSeconds, peakRssMiB, rssMiB } from './proc.ts';
import { createQueue } from '../src/tasks/queue.ts';

const { values: args } = parseArgs({
  options: {
    count: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '50' },
    latency: { type: 'string', default: '100' },
    boot: { type: 'string', default: '2000' },
    poll: { type: 'string', default: '100' },
    cold: { type: 'boolean', default: false },
    debug: { type: 'boolean', default: false },
    profile: { type: 'string' },
    'worker-flags': { type: 'string', default: '' },
    sweep: { type: 'boolean', default: false },
  },
});
const latencyMs = Number(args.latency);
const bootMs = Number(args.boot);
const root = fileURLToPath(new URL('..', import.meta.url));

interface Result {
  count: number;
  concurrency: number;
  status: string;
  wallMs: number;
  idealMs: number;
  rssMiB: number;
  workerCpuS: number;
  rowsPerMachine: number;
}

async function rowsWritten(databaseUrl: string): Promise<{ total: number; byTable: Record<string, number> }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ relname: string; n: string }>(
      `SELECT relname, (n_tup_ins + n_tup_upd + n_tup_del)::text AS n FROM pg_stat_user_tables WHERE relname <> '_prisma_migrations'`,
    );
    const byTable: Record<string, number> = {};
    for (const r of rows) if (Number(r.n) > 0) byTable[r.relname] = Number(r.n);
    return { total: Object.values(byTable).reduce((a, b) => a + b, 0), byTable };
  } finally {
    await client.end();
  }
}

/** Transactions committed in the benchmark's database: each statement outside a transaction is one. */
async function transactions(databaseUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(
      `SELECT xact_commit::text AS n FROM pg_stat_database WHERE datname = current_database()`,
    );
    return Number(rows[0]?.n ?? 0);
  } finally {
    await client.end();
  }
}

async function runOnce(count: number, concurrency: number): Promise<Result> {
  const base = loadConfig();
  const tag = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const dbUrl = new URL(base.databaseUrl);
  dbUrl.pathname = `/cp_bench_${tag}`;
  const databaseUrl = dbUrl.toString();
  const redisPrefix = `cp-bench-${tag}`;
  const secretKey = randomBytes(32).toString('hex');
  // The environment's store URLs hold, so a run can use a private Redis or PostgreSQL.
  const config = loadConfig({
    ...process.env,
    DATABASE_URL: databaseUrl,
    CLOUDPLANE_REDIS_PREFIX: redisPrefix,
    CLOUDPLANE_SECRET_KEY: secretKey,
    CLOUDPLANE_TASK_MAX_COUNT: String(Math.max(count, 1000)),
    LOG_LEVEL: 'silent',
  });

  await ensureDatabase(databaseUrl);
  await applyMigrations(databaseUrl);

  const sim = createH3cSimulator({
    config: {
      delays: { bootMs, startMs: 500, stopMs: 500, rebootMs: 500, deleteMs: 500 },
      latency: { fixedMs: latencyMs, jitterMs: 0 },
    },
  });
  const running = await startSimulator(sim.app);

  const logger = createLogger('silent');
  const prisma = createPrisma({ databaseUrl, poolSize: 4 });
  const redis = createRedis(config.redisUrl, { enableOfflineQueue: true });
  const subscriber = createRedis(config.redisUrl, { enableOfflineQueue: true });
  await Promise.all([redis.connect(), subscriber.connect()]);
  const queue = createQueue({ connection: bullConnection(config.redisUrl), prefix: redisPrefix });
  const services = createServices({
    prisma,
    logger,
    metrics: createMetricsRegistry(),
    secretKey: config.secretKey,
    inventoryTtlMs: 15_000,
    catalogTtlMs: 60_000,
    redis,
    subscriber,
    redisPrefix,
    queue,
    tasks: { ...config.tasks, maxAttempts: 5 },
  });
  const app = await buildApp({
    logger,
    bodyLimitBytes: 1_048_576,
    prisma,
    services,
    fingerprintKey: services.fingerprintKey,
    readiness: {},
  });
  const { key } = await services.apiKeys.create('bench', ['admin']);
  const call = async (method: 'GET' | 'POST', url: string, payload?: unknown) => {
    const res = await app.inject({
      method,
      url,
      payload: payload as never,
      headers: { authorization: `Bearer ${key}` },
    });
    if (res.statusCode >= 400) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
    return res.json() as Record<string, any>;
  };

  const account = await call('POST', '/v1/accounts', {
    name: 'bench',
    provider: 'h3c-cloudos',
    endpoint: running.baseUrl,
    credentials: { username: DEFAULT_USER.name, password: DEFAULT_USER.password, project: DEFAULT_PROJECT.name },
    options: { defaultNetworkId: DEFAULT_CATALOG.networks[0]?.id, concurrency, ratePerSecond: 10_000 },
  });
  const zones = await call('GET', `/v1/accounts/${account.id}/zones`);
  const types = await call('GET', `/v1/accounts/${account.id}/instance-types`);
  const images = await call('GET', `/v1/accounts/${account.id}/images`);
  const template = await call('POST', '/v1/templates', {
    name: 'bench',
    accountId: account.id,
    spec: { zone: zones.items[0].id, instanceType: types.items[0].id, image: images.items[0].id },
  });

  const worker = spawn(
    process.execPath,
    [
      ...(args.profile ? ['--cpu-prof', '--cpu-prof-dir', args.profile] : []),
      ...args['worker-flags'].split(' ').filter(Boolean),
      '--import',
      'tsx',
      'src/main.ts',
      'worker',
    ],
    {
      cwd: root,
      stdio: ['ignore', 'inherit', 'inherit'],
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        DATABASE_URL: databaseUrl,
        REDIS_URL: config.redisUrl,
        CLOUDPLANE_REDIS_PREFIX: redisPrefix,
        CLOUDPLANE_SECRET_KEY: secretKey,
        CLOUDPLANE_TASK_POLL_MS: args.poll,
        LOG_LEVEL: 'warn',
      },
    },
  );
  const exited = new Promise((resolve) => worker.on('exit', resolve));
  // The clock starts once the worker process is up and listening on the queue.
  while ((await queue.queue.getWorkers()).length === 0) await new Promise((r) => setTimeout(r, 100));
  // Warm up: a long-lived worker has logged in and cached the platform's catalog long before a
  // pipeline asks for machines. One small expand (not measured) gets this fresh worker there.
  const warmup = args.cold ? null : await call('POST', `/v1/templates/${template.id}/expand`, { count: 1 });
  for (; warmup;) {
    const row = await prisma.task.findUniqueOrThrow({ where: { id: warmup.id }, select: { status: true } });
    if (row.status === 'succeeded') break;
    if (['partially_succeeded', 'failed', 'cancelled'].includes(row.status))
      throw new Error(`warm-up task ${row.status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const before = await rowsWritten(databaseUrl);
  const xactsBefore = await transactions(databaseUrl);
  const cpuBefore = await cpuSeconds(worker.pid!);

  // --debug: the worker's RSS every 500 ms, to see which phase of the task holds memory.
  const rssTrail: string[] = [];
  const rssTimer = args.debug
    ? setInterval(() => {
        rssMiB(worker.pid!)
          .then((mib) => rssTrail.push(mib.toFixed(0)))
          .catch(() => undefined);
      }, 500)
    : undefined;
  const started = performance.now();
  const ownCpuBefore = process.cpuUsage();
  const task = await call('POST', `/v1/templates/${template.id}/expand`, { count });
  const submittedMs = performance.now() - started;
  // Watch the task row directly: polling through the API would load the process that serves the simulator.
  for (;;) {
    const row = await prisma.task.findUniqueOrThrow({ where: { id: task.id }, select: { status: true } });
    if (['succeeded', 'partially_succeeded', 'failed', 'cancelled'].includes(row.status)) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const wallMs = performance.now() - started;
  const ownCpu = process.cpuUsage(ownCpuBefore);
  const ownCpuS = (ownCpu.user + ownCpu.system) / 1e6;
  clearInterval(rssTimer);
  const final = await call('GET', `/v1/tasks/${task.id}`);
  if (args.debug) {
    const t = await prisma.task.findUniqueOrThrow({ where: { id: task.id } });
    const agg = await prisma.taskItem.aggregate({
      where: { taskId: task.id },
      _min: { submittedAt: true },
      _max: { submittedAt: true, updatedAt: true },
    });
    const ms = (d: Date | null) => (d ? d.getTime() - t.createdAt.getTime() : -1);
    process.stdout.write(`debug: POST answered after ${submittedMs.toFixed(0)} ms\n`);
    process.stdout.write(`debug: worker RSS (MiB) every 500 ms: ${rssTrail.join(' ')}\n`);
    const made = sim.engine.instances.all().map((i) => i.createdAt);
    process.stdout.write(
      `debug: platform creates +${Math.min(...made) - t.createdAt.getTime()} .. +${Math.max(...made) - t.createdAt.getTime()}\n`,
    );
    process.stdout.write(
      `debug: started +${ms(t.startedAt)} firstSubmit +${ms(agg._min.submittedAt)} lastSubmit +${ms(agg._max.submittedAt)} lastItemUpdate +${ms(agg._max.updatedAt)} finished +${ms(t.finishedAt)}\n`,
    );
  }
  const rss = await peakRssMiB(worker.pid!);
  const workerCpuS = (await cpuSeconds(worker.pid!)) - cpuBefore;
  worker.kill('SIGTERM');
  await exited;
  await new Promise((r) => setTimeout(r, 1_200)); // let the statistics collector catch up
  const after = await rowsWritten(databaseUrl);
  const xacts = (await transactions(databaseUrl)) - xactsBefore;

  const idealMs = (count / concurrency) * latencyMs + bootMs;
  const runningOnPlatform = sim.engine.instances.all().filter((i) => i.state === 'running').length - (warmup ? 1 : 0);
  const written = after.total - before.total;
  const byTable = Object.fromEntries(
    Object.entries(after.byTable).map(([t, n]) => [t, ((n - (before.byTable[t] ?? 0)) / count).toFixed(2)]),
  );
  const lines = [
    `expand of ${count} machines, ${latencyMs} ms per call, ${bootMs} ms boot, concurrency ${concurrency}, ${warmup ? 'warm' : 'cold'} worker`,
    `task status             ${final.status} (${final.counts.succeeded} succeeded, ${final.counts.failed} failed); ${runningOnPlatform} running on the platform`,
    `wall time               ${(wallMs / 1000).toFixed(2)} s`,
    `ideal time              ${(idealMs / 1000).toFixed(2)} s  (${count} creates / ${concurrency} × ${latencyMs} ms + ${bootMs} ms)`,
    `ratio                   ${(wallMs / idealMs).toFixed(3)}`,
    `overhead per machine    ${((wallMs - idealMs) / count).toFixed(2)} ms  ((wall − ideal) / count)`,
    `worker peak RSS         ${rss.toFixed(1)} MiB`,
    `worker CPU              ${workerCpuS.toFixed(2)} s  (${((workerCpuS * 1000) / count).toFixed(2)} ms per machine)`,
    `simulator + API CPU     ${ownCpuS.toFixed(2)} s  (this process, ${((ownCpuS * 1000) / count).toFixed(2)} ms per machine)`,
    `load average            ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}  (other work on this machine skews the wall time)`,
    `Postgres statements     ${(xacts / count).toFixed(2)} per machine (transactions committed, ${xacts} in all)`,
    `Postgres rows written   ${(written / count).toFixed(2)} per machine (${written} in all; per table per machine: ${JSON.stringify(byTable)})`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);

  await app.close();
  await services.close();
  await queue.close();
  await running.close();
  await prisma.$disconnect();
  const keys = await redis.keys(`${redisPrefix}*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
  subscriber.disconnect();
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS "cp_bench_${tag}" WITH (FORCE)`);
  await client.end();
  return {
    count,
    concurrency,
    status: final.status,
    wallMs,
    idealMs,
    rssMiB: rss,
    workerCpuS,
    rowsPerMachine: written / count,
  };
}

const SWEEP: [count: number, concurrency: number][] = [
  [1_000, 50],
  [5_000, 100],
  [10_000, 200],
];
const sizes: [number, number][] = args.sweep ? SWEEP : [[Number(args.count), Number(args.concurrency)]];
const results: Result[] = [];
for (const [count, concurrency] of sizes) {
  results.push(await runOnce(count, concurrency));
  if (args.sweep) process.stdout.write('\n');
}
if (args.sweep) {
  const first = results[0]!;
  const perMachine = (r: Result) => (r.wallMs - r.idealMs) / r.count;
  const rows = results.map((r) =>
    [
      `${r.count}`.padStart(6),
      `${r.concurrency}`.padStart(4),
      `${(r.wallMs / 1000).toFixed(2)} s`.padStart(8),
      `${(r.idealMs / 1000).toFixed(2)} s`.padStart(8),
      (r.wallMs / r.idealMs).toFixed(3).padStart(6),
      `${perMachine(r).toFixed(3)} ms`.padStart(9),
      `${(perMachine(r) / perMachine(first)).toFixed(2)}×`.padStart(6),
      `${r.rssMiB.toFixed(0)} MiB`.padStart(8),
      `${((r.workerCpuS * 1000) / r.count).toFixed(2)} ms`.padStart(8),
      r.rowsPerMachine.toFixed(2).padStart(5),
    ].join('  '),
  );
  process.stdout.write(
    [
      ` count  conc      wall     ideal   ratio  overhead/m  vs 1k  peak RSS  CPU/m   rows/m`,
      ...rows,
      `load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    ].join('\n') + '\n',
  );
}
if (results.some((r) => r.status !== 'succeeded')) process.exitCode = 1;
