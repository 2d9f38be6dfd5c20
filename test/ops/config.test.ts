/** The metrics and request-limit settings, as src/config.ts reads them. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';

const KEY = '0b6c3f2e-4a1d-4e8b-9c7a-2f5d6e7a8b9c';

describe('request limits', () => {
  it('default to 1200 a minute per key, with no exceptions', () => {
    expect(loadConfig({}).rateLimit).toEqual({ max: 1200, windowMs: 60_000, perKey: {} });
  });

  it('take a per-second limit over a per-minute one, and 0 turns them off', () => {
    expect(loadConfig({ CLOUDPLANE_RATE_LIMIT_PER_SECOND: '20' }).rateLimit).toMatchObject({
      max: 20,
      windowMs: 1_000,
    });
    expect(
      loadConfig({ CLOUDPLANE_RATE_LIMIT_PER_MINUTE: '0', CLOUDPLANE_RATE_LIMIT_PER_SECOND: '5' }).rateLimit,
    ).toMatchObject({ max: 5, windowMs: 1_000 });
    expect(loadConfig({ CLOUDPLANE_RATE_LIMIT_PER_MINUTE: '0' }).rateLimit).toBeUndefined();
  });

  it('read per-key exceptions, and refuse a list they cannot read', () => {
    const c = loadConfig({ CLOUDPLANE_RATE_LIMIT_KEYS: ` ${KEY.toUpperCase()} = 50 ,${KEY.replace('0b', '1b')}=7` });
    expect(c.rateLimit?.perKey).toEqual({ [KEY]: 50, [KEY.replace('0b', '1b')]: 7 });
    for (const bad of ['abc=1', `${KEY}=many`, `${KEY}`, `${KEY}=1;${KEY}=2`])
      expect(() => loadConfig({ CLOUDPLANE_RATE_LIMIT_KEYS: bad })).toThrow(ConfigError);
    expect(() => loadConfig({ CLOUDPLANE_RATE_LIMIT_PER_MINUTE: '-1' })).toThrow(/CLOUDPLANE_RATE_LIMIT_PER_MINUTE/);
  });
});

describe('metrics', () => {
  it('are open unless a token is set, and a worker serves them on 9464 by default', () => {
    expect(loadConfig({}).metrics).toEqual({ token: undefined, workerPort: 9464 });
    expect(loadConfig({ CLOUDPLANE_METRICS_TOKEN: 'a'.repeat(16), CLOUDPLANE_METRICS_PORT: '0' }).metrics).toEqual({
      token: 'a'.repeat(16),
      workerPort: 0,
    });
    expect(() => loadConfig({ CLOUDPLANE_METRICS_TOKEN: 'short' })).toThrow(/CLOUDPLANE_METRICS_TOKEN/);
  });
});
