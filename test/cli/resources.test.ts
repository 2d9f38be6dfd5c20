/**
 * The operator commands against a real API and the H3C simulator: accounts
 * and templates (from YAML files, named by name or id), instances and their
 * actions, providers; every command's --help with examples; bash completion.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { buildProgram } from '../../src/cli/main.ts';
import { isolate, type Isolated } from '../support/context.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { H3C_LOGIN, startH3c, type H3cHarness } from '../support/h3c.ts';
import { cli } from './cli-process.ts';
import { runHere } from './in-process.ts';

let iso: Isolated;
let t: TestApp;
let sim: H3cHarness;
let dir: string;
let env: Record<string, string>;

beforeAll(async () => {
  iso = await isolate({ CLOUDPLANE_INVENTORY_TTL_SECONDS: '0' });
  t = await startTestApp(iso);
  sim = await startH3c();
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  const address = t.app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  env = { CLOUDPLANE_URL: `http://127.0.0.1:${port}`, CLOUDPLANE_API_KEY: t.keys.admin };
  dir = await mkdtemp(join(tmpdir(), 'cloudplane-cli-'));
});
afterAll(async () => {
  await t?.close();
  await sim?.close();
  await iso?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const json = (stdout: string) => JSON.parse(stdout);

describe('providers and accounts', () => {
  it('lists the provider kinds as a table and as JSON', async () => {
    const table = await cli(['providers'], env);
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^KIND\s+TITLE\s+CAPABILITIES\s+SCALING\s+LIST LAG$/);
    expect(table.stdout).toMatch(/^h3c-cloudos\s/m);
    const parsed = json((await cli(['providers', '-o', 'json'], env)).stdout);
    expect(parsed.find((p: any) => p.kind === 'h3c-cloudos').capabilities).toContain('instances.create');
  });

  it('adds an account from files, without ever printing its credentials, then gets and verifies it by name', async () => {
    await writeFile(
      join(dir, 'creds.yaml'),
      `username: ${H3C_LOGIN.username}\npassword: ${H3C_LOGIN.password}\nproject: ${H3C_LOGIN.project}\n`,
    );
    const base = sim.account('lab');
    const added = await cli(
      [
        'accounts',
        'add',
        '--name',
        'lab',
        '--provider',
        'h3c-cloudos',
        '--endpoint',
        base.endpoint,
        '--credentials-file',
        join(dir, 'creds.yaml'),
        '--option',
        `defaultNetworkId=${base.options.defaultNetworkId}`,
        '--option',
        'listLagMs=300',
        '-o',
        'json',
      ],
      env,
    );
    expect(added.code).toBe(0);
    expect(added.stderr).toMatch(/^registered account lab \(/);
    const account = json(added.stdout);
    expect(account).toMatchObject({ name: 'lab', provider: 'h3c-cloudos', options: { listLagMs: 300 } });
    expect(added.stdout + added.stderr).not.toContain(H3C_LOGIN.password);

    const got = await cli(['accounts', 'get', 'lab'], env);
    expect(got.stdout).toMatch(new RegExp(`^id:\\s+${account.id}$`, 'm'));
    const verified = await cli(['accounts', 'verify', 'lab'], env);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(/^account lab: credentials work \(h3c-cloudos, \d+ ms\)$/m);
    const listed = json((await cli(['accounts', 'list', '-o', 'json'], env)).stdout);
    expect(listed.map((a: any) => a.name)).toEqual(['lab']);
  });

  it('shows the platform refusing bad credentials in two lines (exit 5, a 502 from the API)', async () => {
    await writeFile(join(dir, 'wrong.json'), JSON.stringify({ ...H3C_LOGIN, password: 'not-the-password' }));
    const base = sim.account('wrong');
    const added = await cli(
      [
        'accounts',
        'add',
        '--name',
        'wrong',
        '--provider',
        'h3c-cloudos',
        '--endpoint',
        base.endpoint,
        '--credentials-file',
        join(dir, 'wrong.json'),
      ],
      env,
    );
    expect(added.code).toBe(0);
    const r = await cli(['accounts', 'verify', 'wrong'], env);
    expect(r.code).toBe(5);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^cloudplane: .*\(502\)$/);
    expect(lines[1]).toMatch(/^ {2}h3c-cloudos said \S+/);
    expect(r.stderr).not.toContain('not-the-password');
    expect((await cli(['accounts', 'delete', 'wrong'], env)).stdout).toMatch(/^deleted account wrong /);
  });

  it('names a missing account clearly', async () => {
    const r = await cli(['accounts', 'get', 'nowhere'], env);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe('cloudplane: no account is named or has the id "nowhere"\n');
  });
});

describe('templates and instances', () => {
  let templateId: string;

  it('creates a template from a YAML file naming its account by name', async () => {
    const first = async (kind: string) => {
      const account = json((await cli(['accounts', 'get', 'lab', '-o', 'json'], env)).stdout);
      return (await t.call('GET', `/v1/accounts/${account.id}/${kind}`)).body.items[0].id as string;
    };
    const yaml = `name: web\naccount: lab\nspec:\n  zone: ${await first('zones')}\n  instanceType: ${await first('instance-types')}\n  image: ${await first('images')}\n  tags:\n    team: web\n`;
    await writeFile(join(dir, 'web.yaml'), yaml);
    const r = await cli(['templates', 'create', '-f', join(dir, 'web.yaml'), '-o', 'yaml'], env);
    expect(r.code).toBe(0);
    const template = parseYaml(r.stdout);
    expect(template).toMatchObject({ name: 'web', provider: 'h3c-cloudos', spec: { tags: { team: 'web' } } });
    templateId = template.id;
    expect((await cli(['templates', 'get', 'web', '-o', 'json'], env)).stdout).toContain(templateId);
    expect((await cli(['templates', 'list'], env)).stdout).toMatch(
      new RegExp(`^${templateId}\\s+web\\s+h3c-cloudos`, 'm'),
    );
  });

  it('refuses a template the catalog does not have, with the field named', async () => {
    await writeFile(
      join(dir, 'bad.json'),
      JSON.stringify({ name: 'bad', account: 'lab', spec: { instanceType: 'nope', image: 'nope' } }),
    );
    const r = await cli(['templates', 'create', '-f', join(dir, 'bad.json')], env);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^cloudplane: .*\(422\)/);
    expect(r.stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
  });

  it('lists, gets, stops, starts and deletes machines, one or several at a time', async () => {
    const ids: string[] = [];
    for (const name of ['vm-a', 'vm-b']) {
      ids.push((await t.call('POST', '/v1/instances', { templateId, name })).body.id);
    }
    await vi.waitFor(
      async () => {
        const r = await cli(
          ['instances', 'list', '--template', 'web', '--status', 'running', '--refresh', '-o', 'json'],
          env,
        );
        expect(json(r.stdout)).toHaveLength(2);
      },
      { timeout: 15_000, interval: 200 },
    );
    const got = await cli(['instances', 'get', ids[0]!], env);
    expect(got.stdout).toMatch(/^status:\s+running \(ACTIVE\)$/m);

    const stop = await cli(['instances', 'stop', ids[0]!, '-o', 'json'], env);
    expect(stop.code).toBe(0);
    expect(json(stop.stdout)).toMatchObject({ id: ids[0] });
    await vi.waitFor(
      async () => expect((await t.call('GET', `/v1/instances/${ids[0]}?refresh=true`)).body.status).toBe('stopped'),
      {
        timeout: 10_000,
        interval: 100,
      },
    );
    const start = await cli(['instances', 'start', ids[0]!], env);
    expect(start.stdout).toMatch(new RegExp(`^start: ${ids[0]} vm-a is \\w+\n$`));

    const bulk = await cli(['instances', 'reboot', ...ids, '00000000-0000-4000-8000-000000000000'], env);
    expect(bulk.code).toBe(3);
    expect(bulk.stdout).toMatch(/^ID\s+OK\s+STATUS\s+PROBLEM$/m);
    expect(bulk.stdout).toMatch(/^00000000-0000-4000-8000-000000000000\s+no\s+-\s+No such resource/m);

    const del = await cli(['instances', 'delete', ...ids], env);
    expect(del.code).toBe(0);
  });

  it('deletes a template by name once its group is empty', async () => {
    // A list with --refresh reads the platform first, so it sees the deletes land.
    await vi.waitFor(
      async () =>
        expect((await cli(['instances', 'list', '--template', 'web', '--refresh'], env)).stderr).toBe('no machines\n'),
      { timeout: 15_000, interval: 200 },
    );
    const r = await cli(['templates', 'delete', 'web'], env);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`deleted template web (${templateId})\n`);
  });
});

describe('usage', () => {
  it('prints machine-hours per day with their source, as a table and as JSON', async () => {
    const day = new Date().toISOString().slice(0, 10);
    const table = await cli(['usage', '--from', day, '--to', day], env);
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^DAY\s+MACHINE-HOURS\s+MACHINES\s+SOURCE\s+ZONE$/);
    expect(table.stdout).toMatch(new RegExp(`^${day}\\s+[0-9.]+\\s+\\d+\\s+lifetimes\\s+UTC$`, 'm'));
    const rows = json((await cli(['usage', '--from', day, '--to', day, '-o', 'json'], env)).stdout);
    expect(rows[0]).toMatchObject({ day, source: 'lifetimes', timeZone: 'UTC' });
    expect(rows[0].machines).toBeGreaterThan(0);
  });

  it('refuses a backwards range with the API problem in one line (exit 3)', async () => {
    const r = await cli(['usage', '--from', '2026-03-11', '--to', '2026-03-10'], env);
    expect(r.code).toBe(3);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});

function leaves(cmd: Command, path: string[] = []): string[][] {
  if (cmd.commands.length === 0) return [path];
  return cmd.commands.filter((c) => c.name() !== 'help').flatMap((c) => leaves(c, [...path, c.name()]));
}

describe('help and completion', () => {
  it('has --help with examples on every command', async () => {
    const program = buildProgram(
      { context: Object.assign(() => ({}) as never, { close: async () => {} }), setExitCode() {} },
      {} as never,
    );
    const paths = leaves(program);
    expect(paths.length).toBeGreaterThan(20);
    for (const path of paths) {
      const r = await runHere([...path, '--help']);
      expect(r.code, path.join(' ')).toBe(0);
      expect(r.stdout, path.join(' ')).toMatch(/\nExamples:\n {2}\$ .*cloudplane /);
    }
  });

  it('completes commands, subcommands and flag choices in bash', async () => {
    const script = (await runHere(['completion', 'bash'])).stdout;
    const complete = async (...words: string[]) => {
      const { stdout } = await promisify(execFile)('bash', [
        '-c',
        `${script}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _cloudplane_completion; printf '%s\\n' "\${COMPREPLY[@]}"`,
      ]);
      return stdout.trim().split('\n');
    };
    expect(await complete('cloudplane', 'acc')).toEqual(['accounts']);
    expect(await complete('cloudplane', 'accounts', '')).toEqual(
      expect.arrayContaining(['list', 'get', 'add', 'verify', 'delete']),
    );
    expect(await complete('cloudplane', 'expand', 'web', '--on-failure', '')).toEqual(['keep', 'rollback']);
    expect(await complete('cloudplane', '-o', 'json', 'instances', 'list', '--status', 'st')).toEqual([
      'starting',
      'stopping',
      'stopped',
    ]);
    expect(await complete('cloudplane', 'tasks', 'watch', 'x', '--ti')).toEqual(['--timeout']);
  });

  // zsh is not on every machine; the stubs stand in for the completion system's builtins.
  it.skipIf(!existsSync('/usr/bin/zsh') && !existsSync('/bin/zsh'))('completes the same way in zsh', async () => {
    const script = (await runHere(['completion', 'zsh'])).stdout;
    const complete = async (...words: string[]) => {
      const { stdout } = await promisify(execFile)('zsh', [
        '-f',
        '-c',
        [
          'compdef() { :; }',
          script,
          '_describe() { local -a all; all=("${(@P)${@[-1]}}"); print -l -- "${all[@]%%:*}"; }',
          'compadd() { shift; print -l -- "$@"; }',
          '_files() { print FILES; }',
          `words=(${words.map((w) => `'${w}'`).join(' ')}); CURRENT=${words.length}; _cloudplane`,
        ].join('\n'),
      ]);
      return stdout.trim().split('\n');
    };
    expect(await complete('cloudplane', '')).toEqual(expect.arrayContaining(['accounts', 'expand', 'tasks']));
    expect(await complete('cloudplane', 'expand', 'web', '--on-failure', '')).toEqual(['keep', 'rollback']);
    expect(await complete('cloudplane', 'templates', 'create', '-f', '')).toEqual(['FILES']);
    expect(await complete('cloudplane', 'tasks', 'watch', 'x', '-')).toContain('--timeout');
  });
});
