import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.ts';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: createLogger('info', stream), lines };
}

describe('log redaction', () => {
  it('censors auth headers and secret fields wherever they sit', () => {
    const { logger, lines } = capture();
    logger.info(
      {
        req: { headers: { authorization: 'Bearer cpk_secret1', 'x-auth-token': 'tok_secret2' } },
        account: { credentials: { password: 'pw_secret3' } },
        password: 'pw_secret4',
        login: { token: 'tok_secret5' },
      },
      'hello',
    );
    const out = lines.join('');
    for (const secret of ['cpk_secret1', 'tok_secret2', 'pw_secret3', 'pw_secret4', 'tok_secret5']) {
      expect(out).not.toContain(secret);
    }
    expect(out).toContain('[redacted]');
  });
});
