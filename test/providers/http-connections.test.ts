/**
 * The shared HTTP client puts no cap of its own on calls in flight: the account's budget is the one
 * limit. (It once kept 64 connections per endpoint, so an account allowed 200 calls at a time got
 * 64, and an expand of 10,000 ran at a third of its speed.)
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.ts';
import { createHttpClient } from '../../src/providers/http.ts';

const CALLS = 150;
let server: Server;
let open = 0;
let peak = 0;
const held: (() => void)[] = [];

beforeAll(async () => {
  // Holds every request until CALLS are open at once (or a second passed), then answers them all.
  server = createServer((_req, res) => {
    open++;
    peak = Math.max(peak, open);
    const answer = () => {
      open--;
      res.setHeader('content-type', 'application/json');
      res.end('{}');
    };
    held.push(answer);
    if (held.length === CALLS) for (const a of held.splice(0)) a();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  for (const a of held.splice(0)) a();
  await new Promise((resolve) => server.close(resolve));
});

describe('the HTTP client', () => {
  it('sends as many calls at once as its callers make, to one endpoint', async () => {
    const http = createHttpClient({
      provider: 'h3c-cloudos',
      baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      logger: createLogger('silent'),
      timeoutMs: 5_000,
    });
    const release = setTimeout(() => held.splice(0).forEach((a) => a()), 2_000);
    try {
      const answers = await Promise.all(
        Array.from({ length: CALLS }, () =>
          http.request({ method: 'GET', path: '/x', operation: 'x', idempotent: true }),
        ),
      );
      expect(answers.map((a) => a.status)).toEqual(Array(CALLS).fill(200));
      expect(peak).toBe(CALLS);
    } finally {
      clearTimeout(release);
      await http.close();
    }
  });
});
