import { cp, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import {
  applyMigrations,
  DEFAULT_MIGRATIONS_DIR,
  ensureDatabase,
  MigrationError,
  readMigrations,
} from '../../src/db/migrate.ts';
import { databaseUrlFor, dropDatabase } from '../support/pg.ts';
import { inject } from 'vitest';
import { randomBytes } from 'node:crypto';

const name = `cp_test_${inject('runId')}_mig${randomBytes(3).toString('hex')}`;
const url = databaseUrlFor(name);

beforeAll(async () => {
  expect(await ensureDatabase(url)).toBe(true);
  expect(await ensureDatabase(url)).toBe(false); // already there: no error
});
afterAll(() => dropDatabase(name));

async function recorded(): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ migration_name: string }>(
      'SELECT migration_name FROM "_prisma_migrations" ORDER BY migration_name',
    );
    return rows.map((r) => r.migration_name);
  } finally {
    await client.end();
  }
}

describe('migrations at start', () => {
  it('applies every migration once when several replicas start at the same time', async () => {
    const all = (await readMigrations()).map((m) => m.name);
    expect(all.length).toBeGreaterThan(0);
    const results = await Promise.all([1, 2, 3].map(() => applyMigrations(url)));
    expect(results.flat().sort()).toEqual(all); // each applied by exactly one replica
    expect(await recorded()).toEqual(all);
  });

  it('applies nothing the second time and raises no error', async () => {
    expect(await applyMigrations(url)).toEqual([]);
  });

  it('refuses to start when an applied migration was edited', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'cp-mig-'));
    await cp(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
    const first = (await readMigrations(dir))[0]!;
    await writeFile(path.join(dir, first.name, 'migration.sql'), `${first.sql}\n-- edited\n`);
    await expect(applyMigrations(url, dir)).rejects.toThrow(MigrationError);
  });

  it('rolls a failing migration back whole, leaving no bookkeeping row', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'cp-mig-'));
    await cp(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
    const bad = '99999999999999_broken';
    await cp(path.join(dir, (await readMigrations(dir))[0]!.name), path.join(dir, bad), { recursive: true });
    await writeFile(
      path.join(dir, bad, 'migration.sql'),
      'CREATE TABLE "half_done" (id int);\nSELECT no_such_function();\n',
    );
    await expect(applyMigrations(url, dir)).rejects.toThrow(/99999999999999_broken/);
    expect(await recorded()).not.toContain(bad);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rowCount } = await client.query(`SELECT 1 FROM pg_tables WHERE tablename = 'half_done'`);
    await client.end();
    expect(rowCount).toBe(0);
  });
});
