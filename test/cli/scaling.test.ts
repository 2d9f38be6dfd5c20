/**
 * `cloudplane expand|shrink --wait` and `tasks watch` as a CI job runs them:
 * the real bin in a child process, against an API listening on a real port,
 * a worker and the H3C simulator. Exit codes, final counts, idempotent
 * retries, a cut event stream, refusals and interrupts.
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { isolate, type Isolated } from '../support/context.ts';
import { startScaling, type Scaling } from '../support/scaling.ts';
import { cli, startCli } from './cli-process.ts';
import { startCuttingProxy } from './cutting-proxy.ts';

let iso: Isolated;
let s: Scaling;
let env: Record<string, string>;

beforeAll(async () => {
  iso = await isolate({ CLOUDPLANE_TASK_MAX_COUNT: '50' });
  s = await startScaling(iso);
  s.worker();
  await s.t.app.listen({ host: '127.0.0.1', port: 0 });
  const address = s.t.app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  env = { CLOUDPLANE_URL: `http://127.0.0.1:${port}`, CLOUDPLANE_API_KEY: s.t.keys.write };
});
afterAll(async () => {
  await s?.close();
  await iso?.close();
});

const TASK_ID = /task ([0-9a-f-]{36})/;
const taskCount = () => s.t.prisma.task.count({ where: { templateId: s.templateId } });

/** Slower boots for a test that must catch a task while it runs. */
async function withBootMs<T>(bootMs: number, fn: () => Promise<T>): Promise<T> {
  s.sim.engine.configure({ delays: { bootMs } });
  try {
    return await fn();
  } finally {
    s.sim.engine.configure({ delays: { bootMs: 300 } });
  }
}

describe('expand and shrink with --wait', () => {
  it('exits 0 when the expand succeeds and prints the final counts', async () => {
    const r = await cli(['expand', 'group', '--count', '2', '--wait'], env);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^expand group: succeeded — 2 requested, 2 succeeded, 0 failed, 0 in progress \(task /);
    // Not a terminal: plain progress lines on stderr, the task's own events among them.
    expect(r.stderr).toMatch(/task\.started/);
    expect(r.stderr).toMatch(/task\.finished succeeded /);
  });

  it('prints the final task as one JSON document with --output json', async () => {
    const r = await cli(['expand', 'group', '-n', '1', '--wait', '--output', 'json'], env);
    expect(r.code).toBe(0);
    const task = JSON.parse(r.stdout);
    expect(task).toMatchObject({
      kind: 'expand',
      status: 'succeeded',
      templateId: s.templateId,
      counts: { requested: 1, succeeded: 1, failed: 0, inProgress: 0 },
    });
    const got = await cli(['tasks', 'get', task.id, '-o', 'json'], env);
    expect(JSON.parse(got.stdout)).toMatchObject({ id: task.id, status: 'succeeded' });
    const listed = await cli(['tasks', 'list', '--template', 'group', '-o', 'yaml'], env);
    const tasks = parseYaml(listed.stdout) as { id: string }[];
    expect(tasks.map((t) => t.id)).toContain(task.id);
  });

  it('shrinks by count and by explicit ids, and exits 0', async () => {
    const byCount = await cli(['shrink', 'group', '--count', '1', '--policy', 'oldest', '--wait', '-o', 'json'], env);
    expect(byCount.code).toBe(0);
    expect(JSON.parse(byCount.stdout)).toMatchObject({ kind: 'shrink', status: 'succeeded', policy: 'oldest' });
    const [victim] = (await s.call('GET', `/v1/instances?template=${s.templateId}&status=running`)).body.items;
    const byIds = await cli(['shrink', s.templateId, '--ids', victim.id, '--wait'], env);
    expect(byIds.code).toBe(0);
    expect(byIds.stdout).toMatch(/^shrink group: succeeded — 1 requested, 1 succeeded/);
  });

  it('refuses shrink without exactly one of --count and --ids, sending nothing (exit 2)', async () => {
    const before = await taskCount();
    const r = await cli(['shrink', 'group', '--count', '1', '--ids', 'x'], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/either --count or --ids/);
    expect(await taskCount()).toBe(before);
  });
});

describe('exit codes of tasks that do not succeed', () => {
  it('exits 10 when every machine fails, naming the platform message', async () => {
    s.sim.engine.faults.add({
      op: 'servers.create',
      kind: 'refuse',
      status: 403,
      code: '403',
      message: 'Quota exceeded for instances',
    });
    try {
      const r = await cli(['expand', 'group', '--count', '2', '--wait'], env);
      expect(r.code).toBe(10);
      expect(r.stdout).toMatch(/^expand group: failed — 2 requested, 0 succeeded, 2 failed/);
      expect(r.stderr).toMatch(/Quota exceeded for instances/);
    } finally {
      s.sim.engine.faults.clear();
    }
  });

  it('exits 11 when some machines fail', async () => {
    s.sim.engine.faults.add({
      op: 'servers.create',
      kind: 'refuse',
      status: 400,
      message: 'bad zone',
      after: 1,
      times: 1,
    });
    try {
      const r = await cli(['expand', 'group', '--count', '3', '--wait', '-o', 'json'], env);
      expect(r.code).toBe(11);
      expect(JSON.parse(r.stdout)).toMatchObject({
        status: 'partially_succeeded',
        counts: { succeeded: 2, failed: 1 },
      });
    } finally {
      s.sim.engine.faults.clear();
    }
  });

  it('exits 12 when the task is cancelled while the CLI waits', async () => {
    await withBootMs(2_000, async () => {
      const p = startCli(['expand', 'group', '--count', '2', '--wait'], env);
      await p.waitForStderr(/task\.started/);
      const id = TASK_ID.exec(p.stderr())![1]!;
      expect((await s.call('POST', `/v1/tasks/${id}/cancel`)).status).toBe(202);
      const r = await p.done;
      expect(r.code).toBe(12);
      expect(r.stdout).toMatch(/^expand group: cancelled/);
    });
  });

  it('exits 13 when --timeout passes, leaving the task running', async () => {
    await withBootMs(3_000, async () => {
      const r = await cli(['expand', 'group', '--count', '1', '--timeout', '1s'], env);
      expect(r.code).toBe(13);
      expect(r.stderr).toMatch(/timeout: task .* is still (queued|running)/);
      expect(r.stderr).toMatch(/keeps running — follow it with: cloudplane tasks watch/);
      const id = TASK_ID.exec(r.stderr)![1]!;
      expect((await s.call('GET', `/v1/tasks/${id}`)).body.cancelRequestedAt).toBeNull();
      // `tasks watch` picks it up and exits with its outcome.
      const watched = await cli(['tasks', 'watch', id], env);
      expect(watched.code).toBe(0);
    });
  });

  it('exits 130 on SIGINT without a terminal, and does not cancel the task', async () => {
    await withBootMs(2_000, async () => {
      const p = startCli(['expand', 'group', '--count', '1', '--wait'], env);
      await p.waitForStderr(/task\.started/);
      const id = TASK_ID.exec(p.stderr())![1]!;
      p.child.kill('SIGINT');
      const r = await p.done;
      expect(r.code).toBe(130);
      expect(r.stderr).toMatch(/interrupted: stopped following task .*; it keeps running/);
      const task = (await s.call('GET', `/v1/tasks/${id}`)).body;
      expect(task.cancelRequestedAt).toBeNull();
      expect((await s.waitForTask(id)).status).toBe('succeeded');
    });
  });

  it('cancels the task on SIGTERM with --cancel-on-exit (exit 143)', async () => {
    await withBootMs(2_000, async () => {
      const p = startCli(['expand', 'group', '--count', '1', '--wait', '--cancel-on-exit'], env);
      await p.waitForStderr(/task\.started/);
      const id = TASK_ID.exec(p.stderr())![1]!;
      p.child.kill('SIGTERM');
      const r = await p.done;
      expect(r.code).toBe(143);
      expect(r.stderr).toMatch(/cancel requested/);
      expect((await s.waitForTask(id)).status).toBe('cancelled');
    });
  });
});

describe('idempotent retries in CI', () => {
  const github = (attempt: string) => ({
    GITHUB_ACTIONS: 'true',
    GITHUB_REPOSITORY: 'acme/web',
    GITHUB_RUN_ID: '9001',
    GITHUB_JOB: 'scale-up',
    GITHUB_ACTION: '__run_2',
    GITHUB_RUN_ATTEMPT: attempt,
  });

  it('creates no second task when a retried job step runs the same expand again', async () => {
    const before = await taskCount();
    const first = await cli(['expand', 'group', '--count', '1', '--wait', '-o', 'json'], { ...env, ...github('1') });
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(
      /idempotency key ci-github-expand-[0-9a-f]{32} \(from GITHUB_REPOSITORY, GITHUB_RUN_ID, GITHUB_JOB, GITHUB_ACTION\)/,
    );
    // The job is re-run (attempt 2): same run, job and step, so the same key, so the first task.
    const retry = await cli(['expand', 'group', '--count', '1', '--wait', '-o', 'json'], { ...env, ...github('2') });
    expect(retry.code).toBe(0);
    expect(retry.stderr).toMatch(/Idempotency-Key was used before/);
    expect(JSON.parse(retry.stdout).id).toBe(JSON.parse(first.stdout).id);
    expect(JSON.parse(first.stdout).reason).toBe(
      'GitHub Actions https://github.com/acme/web/actions/runs/9001 job scale-up',
    );
    expect(await taskCount()).toBe(before + 1);
  });

  it('uses an explicit --idempotency-key outside CI too', async () => {
    const before = await taskCount();
    const a = await cli(['expand', 'group', '-n', '1', '--idempotency-key', 'deploy-77', '-o', 'json'], env);
    const b = await cli(['expand', 'group', '-n', '1', '--idempotency-key', 'deploy-77', '-o', 'json'], env);
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(JSON.parse(b.stdout).id).toBe(JSON.parse(a.stdout).id);
    expect(await taskCount()).toBe(before + 1);
    await s.waitForTask(JSON.parse(a.stdout).id);
  });
});

describe('following the event stream', () => {
  it('resumes a cut stream with Last-Event-ID and still exits on the outcome', async () => {
    const proxy = await startCuttingProxy(env.CLOUDPLANE_URL!, { mode: 'cut', afterEvents: 2, times: 1 });
    try {
      await withBootMs(1_500, async () => {
        const r = await cli(['expand', 'group', '--count', '2', '--wait'], { ...env, CLOUDPLANE_URL: proxy.url });
        expect(r.code).toBe(0);
        expect(r.stdout).toMatch(/^expand group: succeeded — 2 requested, 2 succeeded/);
        expect(r.stderr).toMatch(/event stream lost after event \d+; polling, then resuming from there/);
        // Each event shown once: the second stream started after the last event the first delivered.
        expect(r.stderr.match(/task\.started/g)).toHaveLength(1);
        expect(r.stderr.match(/task\.finished/g)).toHaveLength(1);
      });
      const streams = proxy.seen.filter((q) => q.url.endsWith('/events'));
      expect(proxy.cuts()).toBe(1);
      expect(streams.length).toBeGreaterThanOrEqual(2);
      expect(streams[0]!.lastEventId).toBeUndefined();
      expect(streams[1]!.lastEventId).toMatch(/^\d+$/);
    } finally {
      await proxy.close();
    }
  });

  it('polls the task when the stream cannot be had at all', async () => {
    const proxy = await startCuttingProxy(env.CLOUDPLANE_URL!, { mode: 'refuse' });
    try {
      const r = await cli(['expand', 'group', '--count', '1', '--wait', '-o', 'json'], {
        ...env,
        CLOUDPLANE_URL: proxy.url,
      });
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ status: 'succeeded', counts: { succeeded: 1 } });
      const id = JSON.parse(r.stdout).id as string;
      expect(proxy.seen.filter((q) => q.url === `/v1/tasks/${id}`).length).toBeGreaterThanOrEqual(2);
    } finally {
      await proxy.close();
    }
  });

  it('polls only with --poll', async () => {
    const proxy = await startCuttingProxy(env.CLOUDPLANE_URL!, { mode: 'cut', times: 0 });
    try {
      const r = await cli(['expand', 'group', '--count', '1', '--wait', '--poll'], {
        ...env,
        CLOUDPLANE_URL: proxy.url,
      });
      expect(r.code).toBe(0);
      expect(proxy.seen.filter((q) => q.url.endsWith('/events'))).toHaveLength(0);
    } finally {
      await proxy.close();
    }
  });
});

describe('an API that goes away', () => {
  it('keeps following through an outage and exits on the outcome', async () => {
    const proxy = await startCuttingProxy(env.CLOUDPLANE_URL!, { mode: 'cut', times: 0 });
    try {
      await withBootMs(2_000, async () => {
        const p = startCli(['expand', 'group', '--count', '1', '--wait'], { ...env, CLOUDPLANE_URL: proxy.url });
        await p.waitForStderr(/task\.started/);
        // 1. the API vanishes mid-task: the stream drops and polls fail
        await proxy.stop();
        await p.waitForStderr(/cannot reach the API .*; retrying for up to 120s/);
        // 2. it comes back: the CLI resumes and reports the real outcome
        await proxy.restart();
        const r = await p.done;
        expect(r.code).toBe(0);
        expect(r.stderr).toMatch(/the API answers again|event stream resumed/);
        expect(r.stdout).toMatch(/^expand group: succeeded — 1 requested, 1 succeeded/);
      });
    } finally {
      await proxy.close();
    }
  });

  it('gives up after --retry-for with exit 4, saying what it last saw', async () => {
    const proxy = await startCuttingProxy(env.CLOUDPLANE_URL!, { mode: 'cut', times: 0 });
    try {
      await withBootMs(2_000, async () => {
        const p = startCli(['expand', 'group', '-n', '1', '--wait', '--retry-for', '1s'], {
          ...env,
          CLOUDPLANE_URL: proxy.url,
        });
        await p.waitForStderr(/task\.started/);
        await proxy.stop();
        const r = await p.done;
        expect(r.code).toBe(4);
        expect(r.stderr).toMatch(
          /task \S+ was last seen (queued|running), 0\/1 done .*; follow it with: cloudplane tasks watch/,
        );
        expect(r.stderr).toMatch(/\ncloudplane: cannot reach the API at http:\/\/127\.0\.0\.1:\d+: .*\n$/);
        await s.waitForTask(TASK_ID.exec(r.stderr)![1]!);
      });
    } finally {
      await proxy.close();
    }
  });
});

describe('refusals and failures', () => {
  it('prints a refused request as its problem in one line, exit 3, creating nothing', async () => {
    const before = await taskCount();
    const r = await cli(['expand', 'group', '--count', '51'], env);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^cloudplane: The request did not pass validation: .*\(422\)$/);
    expect(r.stderr).not.toMatch(/\bat .*\.ts:\d+/);
    expect(await taskCount()).toBe(before);
  });

  it('refuses an unknown key without echoing it (exit 3)', async () => {
    const key = 'cpk_this-key-does-not-exist-0123456789';
    const r = await cli(['providers'], { ...env, CLOUDPLANE_API_KEY: key });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^cloudplane: A valid API key is required.*\(401\)\n$/);
    expect(r.stderr + r.stdout).not.toContain(key);
  });

  it('refuses a name that matches no template (exit 3)', async () => {
    const r = await cli(['expand', 'no-such-group', '--count', '1'], env);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe('cloudplane: no template is named or has the id "no-such-group"\n');
  });

  it('exits 4 when the API cannot be reached', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const r = await cli(['tasks', 'list'], { ...env, CLOUDPLANE_URL: `http://127.0.0.1:${port}` });
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/^cloudplane: cannot reach the API at http:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED/);
  });
});
