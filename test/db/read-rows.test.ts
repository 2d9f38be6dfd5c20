/** readRows: the pool path of the hottest reads answers as Prisma would, and a dead database is a store outage. */
import { describe, expect, it } from 'vitest';
import { createPrisma, readRows } from '../../src/db/client.ts';
import { storeOutage } from '../../src/db/store-errors.ts';
import { isolatedPrisma } from '../support/context.ts';
import { freePort } from '../support/private-stores.ts';

const db = isolatedPrisma();

const ADD = { name: 'read-rows-test-add', text: 'SELECT $1::int + $2::int AS sum, now() AS at' };

describe('readRows', () => {
  it('returns typed rows of a named statement, again and again on the same connections', async () => {
    for (let i = 0; i < 5; i++) {
      const [row] = await readRows<{ sum: number; at: Date }>(db.prisma, ADD, [i, 1]);
      expect(row!.sum).toBe(i + 1);
      expect(row!.at).toBeInstanceOf(Date);
    }
  });

  it("passes the server's own errors on as they are: they are not outages", async () => {
    const err = await readRows(db.prisma, { name: 'read-rows-test-bad', text: 'SELECT 1/0' }, []).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: '22012' });
    expect(storeOutage(err)).toBeNull();
  });

  it('reports a database nobody answers for as a PostgreSQL outage', async () => {
    const dead = createPrisma({ databaseUrl: `postgresql://postgres@127.0.0.1:${await freePort()}/gone`, poolSize: 1 });
    try {
      const err = await readRows(dead, ADD, [1, 2]).catch((e: unknown) => e);
      expect(storeOutage(err)).toBe('postgres');
    } finally {
      await dead.$disconnect();
    }
  });
});
