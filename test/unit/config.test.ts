import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
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

  describe('production (NODE_ENV=production)', () => {
    const developmentKeyHex = Buffer.from('cloudplane-development-only-key!', 'utf8').toString('hex');
    const ownKey = 'cd'.repeat(32);

    it.each([
      ['unset', {}],
      ['empty', { CLOUDPLANE_SECRET_KEY: '' }],
      ['the development key', { CLOUDPLANE_SECRET_KEY: developmentKeyHex }],
    ])('refuses a secret key that is %s, in one line naming CLOUDPLANE_SECRET_KEY', (_case, env) => {
      let thrown: unknown;
      try {
        loadConfig({ NODE_ENV: 'production', ...env });
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(ConfigError);
      expect((thrown as ConfigError).variable).toBe('CLOUDPLANE_SECRET_KEY');
      expect((thrown as Error).message).toMatch(/NODE_ENV=production/);
      expect((thrown as Error).message).not.toContain('\n');
      expect((thrown as Error).message).not.toContain(developmentKeyHex);
    });

    it('starts with a key of its own, and never starts stores itself', () => {
      const c = loadConfig({ NODE_ENV: 'production', CLOUDPLANE_SECRET_KEY: ownKey });
      expect(c.production).toBe(true);
      expect(c.secretKeyIsDevelopmentDefault).toBe(false);
      expect(c.localStores).toMatchObject({ postgres: false, redis: false });
    });

    it('treats the development key given outside production as the development default', () => {
      expect(loadConfig({ CLOUDPLANE_SECRET_KEY: developmentKeyHex }).secretKeyIsDevelopmentDefault).toBe(true);
    });
  });

  describe('local stores', () => {
    it('may start both stores when their URLs are left at the defaults, under the repository by default', () => {
      const c = loadConfig({});
      expect(c.localStores).toMatchObject({ postgres: true, redis: true });
      expect(c.localStores.dataDir).toBe(fileURLToPath(new URL('../../.cloudplane', import.meta.url)));
    });

    it('never starts a store the operator configured, even at the default address', () => {
      const c = loadConfig({
        DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/cloudplane',
        REDIS_URL: 'redis://127.0.0.1:6379',
      });
      expect(c.localStores).toMatchObject({ postgres: false, redis: false });
      expect(loadConfig({ REDIS_URL: 'redis://cache:6379' }).localStores).toMatchObject({
        postgres: true,
        redis: false,
      });
    });

    it('resolves CLOUDPLANE_DATA_DIR to an absolute folder', () => {
      expect(loadConfig({ CLOUDPLANE_DATA_DIR: 'var/data' }).localStores.dataDir).toBe(resolve('var/data'));
    });
  });
});
