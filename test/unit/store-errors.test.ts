/** Which errors count as a store outage (503, logged once) and which stay what they are. */
import { describe, expect, it } from 'vitest';
import { StoreTimeoutError, storeOutage } from '../../src/db/store-errors.ts';

const prismaError = (code: string, cause?: Record<string, unknown>) =>
  Object.assign(new Error('prisma'), {
    name: 'PrismaClientKnownRequestError',
    code,
    meta: cause ? { driverAdapterError: { name: 'DriverAdapterError', cause } } : {},
  });

describe('storeOutage', () => {
  it.each([
    ['an unreachable database (P1001)', prismaError('P1001')],
    ['a raw query on an unreachable database', prismaError('P2010', { kind: 'DatabaseNotReachable' })],
    ['a server shutting down under a query (57P01)', prismaError('P2010', { kind: 'postgres', code: '57P01' })],
    ['a pool that cannot hand out a connection (P2024)', prismaError('P2024')],
    [
      'a connection cut under a query, passed on by Prisma',
      Object.assign(new Error('Connection terminated unexpectedly'), { clientVersion: '7' }),
    ],
    ['a wrapped cause', new Error('outer', { cause: prismaError('P1017') })],
    ['our own bounded wait', new StoreTimeoutError('postgres', 'a query', 10)],
  ])('says PostgreSQL for %s', (_, err) => expect(storeOutage(err)).toBe('postgres'));

  it.each([
    [
      'a command with the offline queue off',
      new Error("Stream isn't writeable and enableOfflineQueue options is false"),
    ],
    ['a closed connection', new Error('Connection is closed.')],
    ['retries given up', Object.assign(new Error('x'), { name: 'MaxRetriesPerRequestError' })],
  ])('says Redis for %s', (_, err) => expect(storeOutage(err)).toBe('redis'));

  it.each([
    ['a unique violation', prismaError('P2002')],
    ['a record not found', prismaError('P2025')],
    ['a failed query', prismaError('P2010', { kind: 'postgres', code: '42601' })],
    ['a plain bug', new TypeError('x is undefined')],
    ['not an error at all', 'boom'],
  ])('says nothing for %s', (_, err) => expect(storeOutage(err)).toBeNull());
});
