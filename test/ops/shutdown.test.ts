/**
 * Shutdown on SIGTERM, with real processes: an API process with a
 * dashboard's event stream open sends the stream a closing `shutdown` event
 * (with a short `retry:`, so the browser reconnects elsewhere), ends it, and
 * exits 0 within 5 s; and `npm start` passes SIGTERM on to the service
 * instead of leaving it running without its parent; a SIGTERM that arrives
 * while the service is still starting ends it with exit 0 too.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.ts';
import { isolate, type Isolated } from '../support/context.ts';
import { accountAndTemplate, startH3c, type H3cHarness } from '../support/h3c.ts';
import { adminKey, roleEnv, startApiProcess, untilHealthy } from './api-process.ts';

let iso: Isolated;
let t: TestApp;
let sim: H3cHarness;
let taskId: string;

beforeAll(async () => {
  iso = await isolate();
  t = await startTestApp(iso);
  sim = await startH3c();
  const { template } = await accountAndTemplate(t.call, sim, 'shutdown');
  // No worker runs in this file: the task stays queued and its stream stays open.
  taskId = (await t.call('POST', `/v1/templates/${template.id}/expand`, { count: 1 })).body.id;
});
afterAll(async () => {
  await t?.close();
  await sim?.close();
  await iso?.close();
});

describe('SIGTERM to an API process with an event stream open', () => {
  it('sends the stream a shutdown event with a retry hint, ends it, and exits 0 within 5 s', async () => {
    const key = adminKey();
    const api = await startApiProcess(iso, { CLOUDPLANE_ADMIN_API_KEY: key });
    // 1. a dashboard follows the task
    const res = await request(`${api.url}/v1/tasks/${taskId}/events`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(res.statusCode).toBe(200);
    let text = '';
    const body = res.body.setEncoding('utf8');
    const ended = new Promise<void>((resolve) => body.on('end', resolve));
    body.on('data', (chunk: string) => (text += chunk));
    await vi.waitFor(() => expect(text).toContain('event: task.queued'), { timeout: 10_000, interval: 20 });

    // 2. the orchestrator asks the process to stop
    const asked = Date.now();
    api.child.kill('SIGTERM');
    await ended;
    const streamEndedMs = Date.now() - asked;
    expect(await api.exited).toEqual({ code: 0, signal: null });
    const exitedMs = Date.now() - asked;

    // 3. the stream's last words: a shutdown event, no id (the client resumes from its last one)
    const last = text.trimEnd().split('\n\n').at(-1)!;
    expect(last.split('\n')).toEqual(['event: shutdown', 'retry: 500', 'data: {"reconnect":true}']);
    expect(text).not.toContain('event: end');
    expect(streamEndedMs).toBeLessThan(2_000);
    expect(exitedMs).toBeLessThan(5_000);
    expect(api.output()).toMatch(/"msg":"shut down"/);
    console.log(`stream ended ${streamEndedMs} ms and process exited ${exitedMs} ms after SIGTERM`);
  });
});

/** n consecutive free ports (the simulators of role `all` take one each from a base). */
async function freeRange(n: number): Promise<number> {
  const free = (port: number) =>
    new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 40_000);
    const all = await Promise.all(Array.from({ length: n }, (_, i) => free(base + i)));
    if (all.every(Boolean)) return base;
  }
}

/** Every process under `pid` (children, their children, …). */
function descendants(pid: number): number[] {
  let listed = '';
  try {
    listed = execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' });
  } catch {
    return []; // ps exits 1 when there is none
  }
  const children = listed
    .split('\n')
    .map((l) => Number(l.trim()))
    .filter((n) => n > 0);
  return children.flatMap((c) => [c, ...descendants(c)]);
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Role `all` on its own database and free ports, started by `command`; its output collected. */
async function startAll(command: string, args: string[]) {
  const own = await isolate();
  const [port, simBase] = [await freeRange(1), await freeRange(6)];
  const child = spawn(command, args, {
    cwd: fileURLToPath(new URL('../../', import.meta.url)),
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      ...roleEnv(own, {
        PORT: String(port),
        CLOUDPLANE_SIM_BASE_PORT: String(simBase),
        CLOUDPLANE_ADMIN_API_KEY: adminKey(),
      }),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { own, port, child, exited, output: () => out };
}

describe('SIGTERM while the service is still starting', () => {
  it('ends the start cleanly: exit 0, no "failed to start"', async () => {
    const { own, child, exited, output } = await startAll(process.execPath, ['--import', 'tsx', 'src/main.ts', 'all']);
    try {
      // Mid-start: one demo account is made, the others, the port and the worker come next.
      await vi.waitFor(() => expect(output()).toContain('"msg":"registered demo account for the simulator"'), {
        timeout: 60_000,
        interval: 5,
      });
      child.kill('SIGTERM');
      expect(await exited, output().slice(-4000)).toBe(0);
      expect(output()).not.toContain('failed to start');
      expect(output()).toMatch(/"msg":"shut down"/);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await own.close();
    }
  }, 120_000);
});

describe('npm start', () => {
  it('stops the service when npm itself gets SIGTERM', async () => {
    const { own, port, child: npm, exited: npmExited, output } = await startAll('npm', ['start']);
    let tree: number[] = [];
    try {
      await untilHealthy(`http://127.0.0.1:${port}`, { output });
      // Whatever npm runs the script with (a shell, then node), all of it must go.
      tree = descendants(npm.pid!);
      expect(tree.length).toBeGreaterThan(0);

      const asked = Date.now();
      npm.kill('SIGTERM');
      // On failure, show what the service printed: an exit code alone does not say why.
      expect(await npmExited, output().slice(-4000)).toBe(0);
      const ms = Date.now() - asked;
      expect(tree.filter(alive)).toEqual([]);
      expect(output()).toMatch(/"msg":"shut down"/);
      expect(ms).toBeLessThan(10_000);
      console.log(`npm start: npm and its processes ${tree.join(', ')} gone ${ms} ms after SIGTERM to npm`);
    } finally {
      if (npm.exitCode === null) npm.kill('SIGKILL');
      for (const pid of tree.filter(alive)) process.kill(pid, 'SIGKILL');
      await own.close();
    }
  }, 120_000);
});
