/**
 * Read benchmark (issue 18): the gateway's cached reads against a ceiling, the
 * budget under a burst of live reads, and list pages at 1,000 vs 1,000,000 rows.
 *
 * Processes: the gateway API and a worker as real child processes
 * (`src/main.ts api|worker`), the ceiling (bench/ceiling-server.ts: bare
 * Fastify + one primary-key read) as a third; the H3C simulator and the load
 * generator (undici) in this process.
 *
 * 1. reads: 10,000 machines on the simulator, recorded by one live list; then
 *    alternated rounds of the ceiling, `GET /v1/instances/{id}`,
 *    `GET /v1/tasks/{id}` and `GET /v1/instances?limit=50`, each printing
 *    req/s, p50, p99, the ratio to the ceiling of the same round and the
 *    platform calls per 1,000 requests.
 * 2. burst: an expand timed alone, then with `?refresh=true` reads sent at ten
 *    times the account's rate, `--rounds` times, each starting after a quiet
 *    second on the platform and timed by the task row's own timestamps; prints
 *    the platform's busiest second.
 * 3. list: page times over 1,000 and 1,000,000 rows (inserted with one
 *    generate_series), with the plan of the list query.
 *
 *   npm run bench:api -- [--seconds 3] [--rounds 5] [--connections 50] [--rate 50] [--expand 40]
 *                        [--only reads|burst|list] [--rows 1000000]
 *                        [--target "instances/{id}"]   # only the read targets whose name has this
 *                        [--api-flags="--cpu-prof --cpu-prof-dir=/tmp/p"]   # Node flags for the gateway
 *                        [--lead 1500]   # the burst runs this long before the expand is submitted
 *                        [--debug]   # the platform's calls of each timed expand of the burst
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { request } from 'undici';
import { loadConfig } from '../src/config.ts';
import { applyMigrations, ensureDatabase } from '../src/db/migrate.ts';
import {
  createH3cSimulator,
  DEFAULT_CATALOG,
  DEFAULT_PROJECT,
  DEFAULT_USER,
} from '../src/providers/h3c-cloudos/simulator.ts';
import { startSimulator } from '../src/sim/index.ts';
import { closedLoop, paced, type LoadResult } from './load.ts';
import { cpuSeconds } from './proc.ts';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '50' },
    records: { type: 'string', default: '10000' },
    rate: { type: 'string', default: '50' },
    expand: { type: 'string', default: '40' },
    /** How long the burst runs before the expand is submitted (0: they start together). */
    lead: { type: 'string', default: '0' },
    rows: { type: 'string', default: '1000000' },
    only: { type: 'string' },
    'api-flags': { type: 'string', default: '' },
    /** Only the read targets whose name contains this (the ceiling always runs). */
    target: { type: 'string' },
    /** Print the platform's calls of each timed expand of the burst phase. */
    debug: { type: 'boolean', default: false },
  },
});
const roundMs = Number(args.seconds) * 1000;
const rounds = Number(args.rounds);
const connections = Number(args.connections);
const recordCount = Number(args.records);
const rate = Number(args.rate);
const expandCount = Number(args.expand);
const lead = Number(args.lead);
const phases = new Set(args.only ? [args.only] : ['reads', 'burst', 'list']);

const root = fileURLToPath(new URL('..', import.meta.url));
const base = loadConfig();
const tag = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
const dbName = `cp_bench_${tag}`;
const dbUrl = new URL(base.databaseUrl);
dbUrl.pathname = `/${dbName}`;
const databaseUrl = dbUrl.toString();
const adminKey = `bench-admin-${randomBytes(16).toString('hex')}`;
const out = (line: string) => process.stdout.write(`${line}\n`);

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

const children: ChildProcess[] = [];
function child(argv: string[], env: Record<string, string>, nodeFlags: string[] = []) {
  const c = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', ...argv], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
  });
  children.push(c);
  return c;
}
async function stop(c: ChildProcess) {
  if (c.exitCode !== null) return;
  const exited = new Promise((r) => c.once('exit', r));
  c.kill('SIGTERM');
  await exited;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 120_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function main() {
  await ensureDatabase(databaseUrl);
  await applyMigrations(databaseUrl);
  const db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  const sim = createH3cSimulator({
    config: {
      delays: { bootMs: 1_000, startMs: 300, stopMs: 300, rebootMs: 300, deleteMs: 300 },
      latency: { fixedMs: 20, jitterMs: 0 },
    },
  });
  const platform = await startSimulator(sim.app);
  const platformCalls = () => Object.values(sim.engine.calls.counts()).reduce((a, b) => a + b, 0);

  const [apiPort, ceilingPort] = [await freePort(), await freePort()];
  const env = {
    PORT: String(apiPort),
    HOST: '127.0.0.1',
    DATABASE_URL: databaseUrl,
    REDIS_URL: base.redisUrl,
    CLOUDPLANE_REDIS_PREFIX: `cp-bench-${tag}`,
    CLOUDPLANE_SECRET_KEY: randomBytes(32).toString('hex'),
    CLOUDPLANE_ADMIN_API_KEY: adminKey,
    CLOUDPLANE_MIGRATE_ON_START: 'false',
    // The records are what is measured: the refresher's list pass must not run in the middle of a round.
    CLOUDPLANE_INVENTORY_TTL_SECONDS: '3600',
    CLOUDPLANE_TASK_POLL_MS: '100',
    CLOUDPLANE_TASK_MAX_COUNT: '1000',
    // The per-key limit still runs on every request (its Redis round trip is part of what a read
    // costs), but is set above anything this load sends: a 429 is answered faster than a read.
    CLOUDPLANE_RATE_LIMIT_PER_SECOND: '1000000',
    LOG_LEVEL: 'warn',
    // The ceiling's pool size (bench/ceiling-server.ts): both sides send their reads over 10 connections.
    CLOUDPLANE_DB_POOL_SIZE: '10',
  };
  const gateway = `http://127.0.0.1:${apiPort}`;
  const ceiling = `http://127.0.0.1:${ceilingPort}`;
  const auth = { authorization: `Bearer ${adminKey}` };
  const api = child(['src/main.ts', 'api'], env, args['api-flags'].split(' ').filter(Boolean));
  const worker = child(['src/main.ts', 'worker'], env);
  const ceilingServer = child(
    ['bench/ceiling-server.ts', '--port', String(ceilingPort), '--database', databaseUrl],
    {},
  );
  await until('the gateway', async () => ((await request(`${gateway}/readyz`)).statusCode === 200 ? true : undefined));
  await until('the ceiling', async () =>
    (await request(`${ceiling}/rows/00000000-0000-4000-8000-000000000000`)).statusCode === 404 ? true : undefined,
  );

  const call = async (method: 'GET' | 'POST', path: string, body?: unknown) => {
    const res = await request(`${gateway}${path}`, {
      method,
      headers: { ...auth, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.body.text();
    if (res.statusCode >= 400) throw new Error(`${method} ${path}: ${res.statusCode} ${text}`);
    return JSON.parse(text) as Record<string, any>;
  };
  const account = await call('POST', '/v1/accounts', {
    name: 'bench',
    provider: 'h3c-cloudos',
    endpoint: platform.baseUrl,
    credentials: { username: DEFAULT_USER.name, password: DEFAULT_USER.password, project: DEFAULT_PROJECT.name },
    options: { defaultNetworkId: DEFAULT_CATALOG.networks[0]?.id, concurrency: 10, ratePerSecond: rate },
  });
  const first = async (kind: string) => (await call('GET', `/v1/accounts/${account.id}/${kind}`)).items[0].id;
  const template = await call('POST', '/v1/templates', {
    name: 'bench',
    accountId: account.id,
    spec: { zone: await first('zones'), instanceType: await first('instance-types'), image: await first('images') },
  });
  /** Submits an expand and waits for its row to be final; its time is the row's own, from creation to finish. */
  const expand = async (count: number) => {
    const task = await call('POST', `/v1/templates/${template.id}/expand`, { count });
    const row = await until(
      'the expand',
      async () => {
        const { rows } = await db.query<{ status: string; ms: number }>(
          `SELECT status::text, (extract(epoch FROM "finishedAt" - "createdAt") * 1000)::float8 AS ms
             FROM "Task" WHERE id = $1`,
          [task.id],
        );
        return ['succeeded', 'partially_succeeded', 'failed', 'cancelled'].includes(rows[0]!.status)
          ? rows[0]!
          : undefined;
      },
      300_000,
    );
    return { id: task.id as string, status: row.status, ms: row.ms };
  };
  // Warm: the worker logs in and caches the catalog; the task is what GET /v1/tasks/{id} reads.
  const warm = await expand(5);

  if (phases.has('reads')) await readsPhase();
  if (phases.has('burst')) await burstPhase();
  await stop(worker);
  if (phases.has('list')) await listPhase();

  /** Transactions committed in the benchmark's database so far (each statement outside a transaction is one). */
  async function transactions(): Promise<number> {
    const { rows } = await db.query<{ n: string }>(
      'SELECT xact_commit::text AS n FROM pg_stat_database WHERE datname = current_database()',
    );
    return Number(rows[0]?.n ?? 0);
  }

  async function readsPhase() {
    for (let i = 0; i < recordCount; i++) {
      sim.engine.instances.create({ tenant: sim.defaultProjectId, name: `seed-${i}`, initialState: 'running' });
    }
    const t0 = performance.now();
    await call('GET', `/v1/instances?account=${account.id}&refresh=true&limit=1`);
    const { rows } = await db.query<{ id: string }>('SELECT id FROM "Instance" WHERE "deletedAt" IS NULL');
    out(
      `records: ${rows.length} (one live list of ${recordCount} machines took ${(performance.now() - t0).toFixed(0)} ms)`,
    );
    const ids = rows.map((r) => r.id);
    const pick = () => ids[Math.floor(Math.random() * ids.length)]!;
    const targets: { name: string; origin: string; path: () => string; headers?: Record<string, string> }[] = [
      { name: 'ceiling (bare Fastify + pg by id)', origin: ceiling, path: () => `/rows/${pick()}` },
      { name: 'GET /v1/instances/{id}', origin: gateway, path: () => `/v1/instances/${pick()}`, headers: auth },
      { name: 'GET /v1/tasks/{id}', origin: gateway, path: () => `/v1/tasks/${warm.id}`, headers: auth },
      { name: 'GET /v1/instances?limit=50', origin: gateway, path: () => '/v1/instances?limit=50', headers: auth },
    ];
    const results = new Map<
      string,
      { r: LoadResult; ratio: number; calls: number; statements: number; cpuUs: number }[]
    >();
    const chosen = targets.filter((t) => t.origin === ceiling || !args.target || t.name.includes(args.target));
    for (let round = 0; round < rounds; round++) {
      let ceilingRate = 0;
      for (const target of chosen) {
        const before = platformCalls();
        const xactsBefore = await transactions();
        // The CPU the serving process spent: steadier than req/s on a machine the load shares.
        const server = (target.origin === ceiling ? ceilingServer : api).pid!;
        const cpuBefore = await cpuSeconds(server);
        const r = await closedLoop({
          origin: target.origin,
          connections,
          ms: roundMs,
          path: target.path,
          ...(target.headers ? { headers: target.headers } : {}),
        });
        const calls = ((platformCalls() - before) / Math.max(1, r.requests)) * 1000;
        const statements = ((await transactions()) - xactsBefore) / Math.max(1, r.requests);
        const cpuUs = (((await cpuSeconds(server)) - cpuBefore) * 1e6) / Math.max(1, r.requests);
        if (target.origin === ceiling) ceilingRate = r.perSecond;
        const bad = Object.entries(r.statuses).filter(([s]) => s !== '200');
        if (bad.length) out(`  ! ${target.name}: non-200 answers ${JSON.stringify(Object.fromEntries(bad))}`);
        results.set(target.name, [
          ...(results.get(target.name) ?? []),
          { r, ratio: r.perSecond / ceilingRate, calls, statements, cpuUs },
        ]);
      }
    }
    out(`\nreads: ${connections} connections, ${rounds} alternated rounds of ${roundMs / 1000} s (median round shown)`);
    out(
      'target                                req/s    p50 ms   p99 ms   × ceiling   platform calls / 1,000   statements / request   server CPU µs / request',
    );
    for (const [name, list] of results) {
      const sorted = [...list].sort((a, b) => a.r.perSecond - b.r.perSecond);
      const m = sorted[Math.floor(sorted.length / 2)]!;
      out(
        `${name.padEnd(36)} ${m.r.perSecond.toFixed(0).padStart(6)}   ${m.r.p50Ms.toFixed(1).padStart(6)}   ${m.r.p99Ms.toFixed(1).padStart(6)}   ${m.ratio.toFixed(2).padStart(8)}   ${m.calls.toFixed(1).padStart(10)}   ${m.statements.toFixed(2).padStart(20)}   ${m.cpuUs.toFixed(0).padStart(23)}`,
      );
    }
  }

  async function burstPhase() {
    const { rows } = await db.query<{ id: string }>(
      'SELECT id FROM "Instance" WHERE "deletedAt" IS NULL AND "accountId" = $1 LIMIT 1000',
      [account.id],
    );
    const ids = rows.map((r) => r.id);
    const pick = () => ids[Math.floor(Math.random() * ids.length)]!;
    const alone: number[] = [];
    const burst: number[] = [];
    let worstSecond = 0;
    let worstReads = 0;
    const answers: Record<number, number> = {};
    // Each timed expand starts with the account's window empty: the calls of the round before it
    // (the burst's reads, the last expand's polls) would otherwise be charged to it.
    const quiet = () =>
      until('a quiet second on the platform', async () => {
        const last = sim.engine.calls.recent(1)[0];
        return !last || Date.now() - last.at > 1_100 ? true : undefined;
      });
    /** --debug: the platform's calls of one expand, in ms from its submission. */
    const timeline = (label: string, from: number) => {
      const seen = sim.engine.calls.recent(2_000).filter((c) => c.at >= from);
      const at = (op: string) =>
        seen
          .filter((c) => c.op === op)
          .map((c) => Math.round(c.at - from))
          .join(' ');
      const ops = [...new Set(seen.map((c) => c.op))];
      out(`debug: ${label}\n${ops.map((op) => `  ${op}: ${at(op)}`).join('\n')}`);
    };
    for (let round = 0; round < rounds; round++) {
      await quiet();
      sim.engine.calls.reset();
      const aloneFrom = Date.now();
      alone.push((await expand(expandCount)).ms);
      if (args.debug) timeline(`expand alone, round ${round + 1}`, aloneFrom);
      await quiet();
      sim.engine.calls.reset();
      // The burst starts `--lead` ms before the expand (0: together); the expand is timed from its own row.
      // Resolved with the expand's promise, so the burst lasts until the expand is final.
      let submit!: (task: Promise<unknown>) => void;
      const submitted = new Promise<unknown>((r) => (submit = r));
      const load = paced({
        origin: gateway,
        perSecond: rate * 10,
        maxInFlight: 200,
        path: () => `/v1/instances/${pick()}?refresh=true`,
        headers: auth,
        until: submitted,
      });
      if (lead > 0) await sleep(lead);
      const burstFrom = Date.now();
      const task = expand(expandCount);
      submit(task);
      const answered = await load;
      burst.push((await task).ms);
      if (args.debug) timeline(`expand during the burst, round ${round + 1}`, burstFrom);
      for (const [s, n] of Object.entries(answered.statuses)) answers[Number(s)] = (answers[Number(s)] ?? 0) + n;
      // The platform's busiest sliding second: every call it saw, and the reads among them.
      const seen = sim.engine.calls.recent(2_000);
      const at = seen.map((c) => c.at).sort((a, b) => a - b);
      const readsAt = seen
        .filter((c) => c.op === 'servers.get')
        .map((c) => c.at)
        .sort((a, b) => a - b);
      worstSecond = Math.max(worstSecond, busiest(at));
      worstReads = Math.max(worstReads, busiest(readsAt));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    out(
      `\nburst: ?refresh=true reads at ${rate * 10}/s against an account limited to ${rate} calls/s, during an expand of ${expandCount}${lead ? ` (the burst started ${lead} ms before it)` : ''}`,
    );
    out(`answers to the burst          ${JSON.stringify(answers)}  (503 = budget spent, with Retry-After)`);
    out(`platform's busiest second     ${worstSecond} calls (${worstReads} of them reads); limit ${rate}`);
    out(`expand alone                  ${alone.map((m) => (m / 1000).toFixed(2)).join(', ')} s`);
    out(`expand during the burst       ${burst.map((m) => (m / 1000).toFixed(2)).join(', ')} s`);
    out(`ratio (median)                ${(median(burst) / median(alone)).toFixed(2)}  (target ≤ 1.2)`);
  }

  async function listPhase() {
    const insert = (from: number, to: number) =>
      db.query(
        `INSERT INTO "Instance" ("id","accountId","providerId","name","status","statusRaw","privateIps","tags","providerData","firstSeenAt","lastSeenAt")
         SELECT gen_random_uuid(), $1::uuid, 'gen-' || g, 'gen-' || g, 'running', 'ACTIVE', ARRAY['10.0.0.' || (g % 250)],
           jsonb_build_object('team', 'web'), jsonb_build_object('flavor', 'm1.small'),
           now() - make_interval(secs => g), now()
         FROM generate_series($2::int, $3::int) AS g`,
        [account.id, from, to],
      );
    await db.query('DELETE FROM "Instance"');
    const sample = async (n: number) => {
      await db.query('ANALYZE "Instance"');
      const times = async (path: () => string) => {
        const r = await closedLoop({ origin: gateway, connections: 1, ms: roundMs, path, headers: auth });
        return r.p50Ms;
      };
      const deep = (await call('GET', '/v1/instances?limit=500')).nextCursor as string;
      return {
        n,
        firstPage: await times(() => '/v1/instances?limit=50'),
        cursorPage: await times(() => `/v1/instances?limit=50&cursor=${deep}`),
        byAccount: await times(() => `/v1/instances?limit=50&account=${account.id}`),
      };
    };
    await insert(1, 1_000);
    const small = await sample(1_000);
    const t0 = performance.now();
    await insert(1_001, Number(args.rows));
    const insertMs = performance.now() - t0;
    const big = await sample(Number(args.rows));
    const { rows: plan } = await db.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN SELECT * FROM "Instance" WHERE "deletedAt" IS NULL ORDER BY "firstSeenAt" DESC, "id" DESC LIMIT 51`,
    );
    out(
      `\nlist: one connection, p50 of ${roundMs / 1000} s of requests per page kind (${big.n - 1_000} rows inserted in ${(insertMs / 1000).toFixed(1)} s)`,
    );
    out('page                      1,000 rows   1,000,000 rows   ratio');
    for (const k of ['firstPage', 'cursorPage', 'byAccount'] as const) {
      out(
        `${k.padEnd(24)} ${small[k].toFixed(2).padStart(8)} ms   ${big[k].toFixed(2).padStart(10)} ms   ${(big[k] / small[k]).toFixed(2)}`,
      );
    }
    out(`plan of the first page:\n  ${plan.map((p) => p['QUERY PLAN']).join('\n  ')}`);
  }

  for (const c of children) await stop(c);
  await platform.close();
  await db.end();
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
  await client.end();
}

/** The most entries in any sliding 1,000 ms of sorted timestamps. */
function busiest(sorted: number[]): number {
  let worst = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i]! - sorted[j]! >= 1000) j++;
    worst = Math.max(worst, i - j + 1);
  }
  return worst;
}

await main().catch(async (err: unknown) => {
  process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
  for (const c of children) c.kill('SIGKILL');
  process.exitCode = 1;
});
