/** The exit-code contract CI scripts rely on: one code per outcome, and every path to it. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TaskStatus } from '../../src/domain/task.ts';
import { EXIT, EXIT_CODE_TABLE, exitCodeForHttpStatus, exitCodeForTaskStatus } from '../../src/cli/exit-codes.ts';
import { runHere } from './in-process.ts';

describe('exit codes', () => {
  it('maps every final task status to its own code, and open ones to none', () => {
    const table = Object.fromEntries(TaskStatus.options.map((s) => [s, exitCodeForTaskStatus(s)]));
    expect(table).toEqual({
      queued: null,
      running: null,
      cancelling: null,
      succeeded: 0,
      partially_succeeded: 11,
      failed: 10,
      cancelled: 12,
    });
  });

  it('gives every outcome a distinct code, each documented once', () => {
    const codes = Object.values(EXIT);
    expect(new Set(codes).size).toBe(codes.length);
    expect(EXIT_CODE_TABLE.map(([c]) => c).sort((a, b) => a - b)).toEqual([...codes].sort((a, b) => a - b));
  });

  it.each(['docs/cli.md', 'README.md'])('is the table %s documents, code for code', (file) => {
    const text = readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');
    const lines = text.split('\n');
    const header = lines.findIndex((l) => /^\| (exit )?code \| meaning \|$/.test(l));
    const end = lines.findIndex((l, i) => i > header && !l.startsWith('|'));
    const documented = lines.slice(header + 2, end).map((l) => Number(/^\| (\d+) \|/.exec(l)?.[1]));
    expect(documented).toEqual(EXIT_CODE_TABLE.map(([c]) => c));
  });

  it('maps a 4xx answer to "refused" (3) and a 5xx one to "API failed" (5)', () => {
    for (const status of [400, 401, 403, 404, 409, 422, 429]) expect(exitCodeForHttpStatus(status)).toBe(3);
    for (const status of [500, 501, 502, 503, 504]) expect(exitCodeForHttpStatus(status)).toBe(5);
  });

  it.each([
    [['--help'], 0],
    [['--version'], 0],
    [['expand', '--help'], 0],
    [['expand', 'web'], 2],
    [['expand', 'web', '--count', '0'], 2],
    [['expand', 'web', '--count', 'three'], 2],
    [['shrink', 'web', '--policy', 'random', '--count', '1'], 2],
    [['tasks', 'list', '--output', 'xml'], 2],
    [['nope'], 2],
    [['worker'], 2],
    [['expand', 'web', '--count', '1', '--timeout', 'soon'], 2],
  ])('exits %j with %i before sending anything', async (argv, code) => {
    const r = await runHere(argv as string[], { CLOUDPLANE_URL: 'http://127.0.0.1:1' });
    expect(r.code).toBe(code);
    expect(r.stderr).not.toMatch(/cannot reach/);
  });

  it('names the server start command for a server role', async () => {
    const r = await runHere(['api']);
    expect(r.stderr).toMatch(/"api" is a server role.*npm start.*node --import tsx src\/main\.ts api/);
  });

  it('refuses a URL that is not http(s), naming where it came from', async () => {
    const r = await runHere(['providers'], { CLOUDPLANE_URL: 'ftp://example' });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('cloudplane: CLOUDPLANE_URL must be an http(s) URL, got "ftp://example"\n');
  });
});
