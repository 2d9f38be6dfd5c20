import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ALLOWED_EDGES,
  INSTANCE_ACTIONS,
  NEUTRAL_STATES,
  createManualClock,
  createSimEngine,
} from '../../src/sim/index.ts';

const delays = { bootMs: 2000, startMs: 500, stopMs: 700, rebootMs: 300, deleteMs: 1000 };

function setup(extra: Parameters<typeof createSimEngine>[0] = {}) {
  const clock = createManualClock();
  const engine = createSimEngine({ clock, seed: 7, config: { delays }, ...extra });
  return { clock, engine };
}

describe('instance state machine under a manual clock', () => {
  it('boots after the boot delay and not before', () => {
    const { clock, engine } = setup();
    const i = engine.instances.create({ tenant: 't', name: 'a' });
    expect(i.state).toBe('creating');
    clock.advance(1999);
    expect(engine.instances.get('t', i.id)?.state).toBe('creating');
    clock.advance(1);
    expect(engine.instances.get('t', i.id)?.state).toBe('running');
  });

  it('walks stop, start, reboot and delete through their transient states', () => {
    const { clock, engine } = setup();
    const { id } = engine.instances.create({ tenant: 't', name: 'a' });
    clock.advance(2000);
    expect(engine.instances.act('t', id, 'stop')).toMatchObject({ ok: true });
    expect(engine.instances.get('t', id)?.state).toBe('stopping');
    clock.advance(700);
    expect(engine.instances.get('t', id)?.state).toBe('stopped');
    engine.instances.act('t', id, 'start');
    expect(engine.instances.get('t', id)?.state).toBe('starting');
    clock.advance(500);
    expect(engine.instances.get('t', id)?.state).toBe('running');
    engine.instances.act('t', id, 'reboot');
    expect(engine.instances.get('t', id)?.state).toBe('rebooting');
    clock.advance(300);
    expect(engine.instances.get('t', id)?.state).toBe('running');
    engine.instances.act('t', id, 'delete');
    expect(engine.instances.get('t', id)?.state).toBe('deleting');
    expect(engine.instances.act('t', id, 'delete')).toMatchObject({ ok: true, noop: true });
    clock.advance(1000);
    expect(engine.instances.get('t', id)).toBeUndefined();
    expect(engine.instances.act('t', id, 'delete')).toEqual({ ok: false, reason: 'not_found' });
  });

  it('refuses an action that the current state does not allow', () => {
    const { engine } = setup();
    const { id } = engine.instances.create({ tenant: 't', name: 'a' });
    expect(engine.instances.act('t', id, 'start')).toMatchObject({ ok: false, reason: 'invalid_state' });
  });

  it('ends creates in error for a matching name and at the seeded rate', () => {
    const { clock, engine } = setup({ config: { delays, createErrorNamePattern: '^bad-' } });
    const bad = engine.instances.create({ tenant: 't', name: 'bad-1' });
    const good = engine.instances.create({ tenant: 't', name: 'good-1' });
    clock.advance(2000);
    expect(engine.instances.get('t', bad.id)?.state).toBe('error');
    expect(engine.instances.get('t', good.id)?.state).toBe('running');

    const outcomes = (seed: number) => {
      const c = createManualClock();
      const e = createSimEngine({ clock: c, seed, config: { delays, createErrorRate: 0.3 } });
      const ids = Array.from({ length: 200 }, (_, n) => e.instances.create({ tenant: 't', name: `m${n}` }).id);
      c.advance(2000);
      return ids.map((id) => e.instances.get('t', id)?.state);
    };
    const a = outcomes(42);
    expect(outcomes(42)).toEqual(a);
    const errors = a.filter((s) => s === 'error').length;
    expect(errors).toBeGreaterThan(30);
    expect(errors).toBeLessThan(90);
  });

  it('keeps tenants apart', () => {
    const { engine } = setup();
    const { id } = engine.instances.create({ tenant: 't1', name: 'a' });
    expect(engine.instances.get('t2', id)).toBeUndefined();
    expect(engine.instances.list('t2')).toMatchObject({ ok: true, items: [] });
  });
});

describe('list visibility lag', () => {
  it('hides a new instance from lists until the lag passes; get sees it only when configured', () => {
    const { clock, engine } = setup({ config: { delays, listLagMs: 500, getSeesLagging: false } });
    const { id } = engine.instances.create({ tenant: 't', name: 'a' });
    expect(engine.instances.list('t')).toMatchObject({ items: [] });
    expect(engine.instances.get('t', id)).toBeUndefined();
    engine.configure({ getSeesLagging: true });
    expect(engine.instances.get('t', id)?.id).toBe(id);
    clock.advance(500);
    const page = engine.instances.list('t');
    expect(page.ok && page.items.map((i) => i.id)).toEqual([id]);
  });
});

describe('marker pagination', () => {
  it('pages 1,500 instances both ways without losing or repeating any', () => {
    const { clock, engine } = setup();
    const ids = Array.from({ length: 1500 }, (_, n) => engine.instances.create({ tenant: 't', name: `m${n}` }).id);
    // delete a few, so compaction and gaps are exercised
    for (const id of ids.slice(100, 300)) engine.instances.act('t', id, 'delete');
    clock.advance(5000);
    const live = ids.filter((_, n) => n < 100 || n >= 300);
    for (const direction of ['asc', 'desc'] as const) {
      const seen: string[] = [];
      let marker: string | undefined;
      for (;;) {
        const page = engine.instances.list('t', { limit: 128, direction, ...(marker ? { marker } : {}) });
        if (!page.ok) throw new Error('marker lost');
        seen.push(...page.items.map((i) => i.id));
        if (!page.hasMore) break;
        marker = page.items.at(-1)?.id;
      }
      expect(seen).toEqual(direction === 'asc' ? live : [...live].reverse());
    }
    expect(engine.instances.list('t', { marker: 'nope' })).toEqual({ ok: false, reason: 'marker_not_found' });
  });
});

describe('state machine property', () => {
  it('never reaches a state outside the machine nor takes an undeclared edge', () => {
    const step = fc.oneof(
      fc.record({ kind: fc.constant('act' as const), action: fc.constantFrom(...INSTANCE_ACTIONS) }),
      fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 3000 }) }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), fc.integer(), (steps, seed) => {
        const clock = createManualClock();
        const engine = createSimEngine({ clock, seed, config: { delays, createErrorRate: 0.2 } });
        const { id } = engine.instances.create({ tenant: 't', name: 'p' });
        let prev: string | undefined = 'creating';
        for (const s of steps) {
          if (s.kind === 'wait') clock.advance(s.ms);
          else engine.instances.act('t', id, s.action);
          const now = engine.instances.get('t', id)?.state;
          if (now === undefined) {
            expect(prev === 'deleting' || prev === undefined).toBe(true);
            prev = undefined;
            continue;
          }
          expect(NEUTRAL_STATES).toContain(now);
          // A wait may apply one pending transition; an action one edge (plus a zero-delay settle).
          if (prev !== undefined && prev !== now)
            expect(ALLOWED_EDGES.has(`${prev}>${now}`) || isTwoStep(prev, now)).toBe(true);
          prev = now;
        }
      }),
      { numRuns: 300 },
    );
  });
});

function isTwoStep(a: string, b: string): boolean {
  return NEUTRAL_STATES.some((m) => ALLOWED_EDGES.has(`${a}>${m}`) && ALLOWED_EDGES.has(`${m}>${b}`));
}
