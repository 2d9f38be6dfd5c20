import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';

describe('configuration', () => {
  it('has defaults that work on a developer machine', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      redisUrl: 'redis://127.0.0.1:6379',
      databaseUrl: 'postgresql://postgres@127.0.0.1:5432/cloudplane',
      secretKeyIsDevelopmentDefault: true,
    });
    expect(c.secretKey).toHaveLength(32);
  });

  it.each([
    ['PORT', 'eighty'],
    ['DATABASE_URL', 'mysql://localhost/x'],
    ['REDIS_URL', 'not a url'],
    ['LOG_LEVEL', 'loud'],
    ['CLOUDPLANE_SECRET_KEY', 'too-short'],
    ['CLOUDPLANE_MIGRATE_ON_START', 'maybe'],
  ])('stops with one line naming %s when it is bad', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    try {
      loadConfig({ [name]: value });
    } catch (err) {
      expect((err as ConfigError).variable).toBe(name);
      expect((err as Error).message).not.toContain('\n');
      expect((err as Error).message).toContain(name);
    }
  });

  it('accepts a 32-byte secret key as hex or base64', () => {
    const hex = 'ab'.repeat(32);
    expect(loadConfig({ CLOUDPLANE_SECRET_KEY: hex }).secretKey.toString('hex')).toBe(hex);
    const b64 = Buffer.alloc(32, 7).toString('base64');
    expect(loadConfig({ CLOUDPLANE_SECRET_KEY: b64 }).secretKey).toEqual(Buffer.alloc(32, 7));
  });
});
