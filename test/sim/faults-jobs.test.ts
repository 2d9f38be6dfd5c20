import { describe, expect, it } from 'vitest';
import {
  createFaultRegistry,
  createManualClock,
  createRandom,
  createSimEngine,
  expandGroup,
  shrinkGroup,
} from '../../src/sim/index.ts';

describe('fault rules', () => {
  it('fires probabilistic faults identically for the same seed', () => {
    const run = (seed: number) => {
      const reg = createFaultRegistry(createRandom(seed));
      reg.add({ op: 'servers.*', kind: 'http_error', probability: 0.3 });
      return Array.from({ length: 100 }, () => reg.check('servers.create') !== null);
    };
    expect(run(5)).toEqual(run(5));
    expect(run(5)).not.toEqual(run(6));
    expect(run(5).filter(Boolean).length).toBeGreaterThan(10);
  });

  it('skips the first `after` matching calls and fires `times` times', () => {
    const reg = createFaultRegistry(createRandom(1));
    reg.add({ op: 'servers.create', kind: 'refuse', after: 2, times: 3, code: 'Quota', status: 403 });
    const fired = Array.from({ length: 8 }, () => reg.check('servers.create')?.kind ?? null);
    expect(fired).toEqual([null, null, 'refuse', 'refuse', 'refuse', null, null, null]);
    expect(reg.check('servers.delete')).toBeNull();
    expect(reg.list()[0]).toMatchObject({ seen: 8, fired: 3 });
  });

  it('targets one item of a batch by key and fills defaults per kind', () => {
    const reg = createFaultRegistry(createRandom(1));
    reg.add({ op: 'batch.item', kind: 'rate_limit', key: 'b' });
    expect(['a', 'b', 'c'].map((k) => reg.check('batch.item', k)?.kind ?? null)).toEqual([null, 'rate_limit', null]);
    reg.add({ op: '*', kind: 'http_error' });
    expect(reg.check('x')).toMatchObject({ kind: 'http_error', status: 500 });
  });
});

describe('jobs', () => {
  it('finish after their delay with the given outcome', () => {
    const clock = createManualClock();
    const engine = createSimEngine({ clock });
    const ok = engine.jobs.create({ tenant: 't', kind: 'k', delayMs: 100, outcome: { ok: true, result: 42 } });
    const bad = engine.jobs.create({
      tenant: 't',
      kind: 'k',
      delayMs: 50,
      outcome: { ok: false, error: { code: 'E1', message: 'no' } },
    });
    expect(engine.jobs.get(ok.id)?.status).toBe('running');
    clock.advance(100);
    expect(engine.jobs.get(ok.id)).toMatchObject({ status: 'succeeded', result: 42 });
    expect(engine.jobs.get(bad.id)).toMatchObject({
      status: 'failed',
      error: { code: 'E1' },
      finishedAt: clock.now() - 50,
    });
    expect(engine.jobs.get(ok.id, 'other')).toBeUndefined();
  });

  it('native group expand finishes when machines boot and reports failures; shrink when they are gone', () => {
    const clock = createManualClock();
    const engine = createSimEngine({
      clock,
      config: { delays: { bootMs: 1000, deleteMs: 500 }, createErrorNamePattern: '-2$' },
    });
    const job = expandGroup(engine, { tenant: 't', group: 'g', count: 3, nameOf: (n) => `g-${n}` });
    expect(job.status).toBe('running');
    clock.advance(1000);
    expect(engine.jobs.get(job.id)).toMatchObject({ status: 'failed', result: { failed: [expect.any(String)] } });
    const shrink = shrinkGroup(engine, { tenant: 't', group: 'g', count: 2 });
    expect(engine.jobs.get(shrink.id)?.status).toBe('running');
    clock.advance(500);
    expect(engine.jobs.get(shrink.id)?.status).toBe('succeeded');
    expect(engine.instances.all('t').map((i) => i.name)).toEqual(['g-0']);
  });
});

describe('engine reset', () => {
  it('replays the same ids for the same seed', () => {
    const engine = createSimEngine({ seed: 3 });
    const first = engine.instances.create({ tenant: 't', name: 'a' }).id;
    engine.reset();
    expect(engine.instances.count()).toBe(0);
    expect(engine.instances.create({ tenant: 't', name: 'a' }).id).toBe(first);
    engine.reset(4);
    expect(engine.instances.create({ tenant: 't', name: 'a' }).id).not.toBe(first);
  });
});
