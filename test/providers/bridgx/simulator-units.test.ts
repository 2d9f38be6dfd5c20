import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createManualClock, createSimEngine, expandGroup, shrinkGroup } from '../../../src/sim/index.ts';
import {
  blockSize,
  cidrText,
  contains,
  gatewayOf,
  ipText,
  overlaps,
  parseCidr,
  parseIp,
} from '../../../src/providers/bridgx/simulator-cidr.ts';
import { validSwitchCidr, validVpcCidr } from '../../../src/providers/bridgx/simulator-network-rules.ts';
import {
  bxTime,
  dayStart,
  readPaging,
  secondsBetween,
  toJson,
  type WireValue,
} from '../../../src/providers/bridgx/simulator-wire.ts';

const cidr = fc
  .tuple(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 32 }))
  .map(([ip, mask]) => ({ base: ip - (ip % blockSize(mask)), mask }));

describe('JSON with int64 ids', () => {
  it('writes any int64 bigint digit for digit', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }), (id) => {
        expect(toJson({ code: 200, msg: 'success', data: id })).toBe(`{"code":200,"msg":"success","data":${id}}`);
      }),
    );
  });

  it('writes everything else as JSON.stringify does', () => {
    const plain = fc.jsonValue() as fc.Arbitrary<WireValue>;
    fc.assert(
      fc.property(plain, (v) => {
        expect(toJson(v)).toBe(JSON.stringify(v));
      }),
    );
  });
});

describe('CIDR arithmetic', () => {
  it('reads back what it writes, and a block contains itself and its halves', () => {
    fc.assert(
      fc.property(cidr, (c) => {
        expect(parseCidr(cidrText(c))).toEqual(c);
        expect(contains(c, c)).toBe(true);
        if (c.mask < 32) {
          const half = { base: c.base + blockSize(c.mask + 1), mask: c.mask + 1 };
          expect(contains(c, half) && !contains(half, c)).toBe(true);
        }
      }),
    );
  });

  it('finds overlap symmetric and equal to containment one way or the other', () => {
    fc.assert(
      fc.property(cidr, cidr, (a, b) => {
        expect(overlaps(a, b)).toBe(overlaps(b, a));
        const disjoint = a.base + blockSize(a.mask) <= b.base || b.base + blockSize(b.mask) <= a.base;
        expect(overlaps(a, b)).toBe(!disjoint);
      }),
    );
  });

  it('refuses host bits, bad octets and masks, and places the gateway before the broadcast address', () => {
    for (const bad of ['10.0.0.1/8', '256.0.0.0/8', '10.0.0.0/33', '10.0.0/8', '10.0.0.0'])
      expect(parseCidr(bad), bad).toBeNull();
    expect(ipText(parseIp('192.168.1.7') as number)).toBe('192.168.1.7');
    expect(gatewayOf(parseCidr('10.0.0.0/24') as NonNullable<ReturnType<typeof parseCidr>>)).toBe('10.0.0.254');
  });

  it('applies the VPC and switch rules of the document', () => {
    expect(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '172.20.0.0/24'].every(validVpcCidr)).toBe(true);
    expect(['10.0.0.0/25', '8.0.0.0/8', '172.0.0.0/8', '192.168.0.0/15'].some(validVpcCidr)).toBe(false);
    expect(validSwitchCidr('10.1.0.0/16', '10.0.0.0/8', [])).toBe(true);
    expect(validSwitchCidr('10.1.0.0/15', '10.0.0.0/8', [])).toBe(false);
    expect(validSwitchCidr('10.1.0.0/30', '10.0.0.0/8', [])).toBe(false);
  });
});

describe('times and dates', () => {
  it('renders any instant in +0800 CST, and a date starts at its own midnight there', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2099, 11, 31) }), (ms) => {
        const text = bxTime(ms);
        expect(text).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \+0800 CST$/);
        const start = dayStart(text.slice(0, 10)) as number;
        expect(bxTime(start)).toBe(`${text.slice(0, 10)} 00:00:00 +0800 CST`);
        expect(ms - start).toBeGreaterThanOrEqual(0);
        expect(ms - start).toBeLessThan(86_400_000);
      }),
    );
  });

  it('counts seconds as the difference of the shown stamps', () => {
    expect(secondsBetween(3_500, 5_000)).toBe(2);
    expect(secondsBetween(3_000, 3_999)).toBe(0);
    expect(dayStart('2024-02-29')).not.toBeNull();
    expect(dayStart('2023-02-29')).toBeNull();
  });
});

describe('paging parameters', () => {
  it('always yields a page from 1 and a size from 1 to 50, or a refusal for non-integers', () => {
    const value = fc.oneof(fc.constant(undefined), fc.integer({ min: -1000, max: 1000 }).map(String), fc.string());
    fc.assert(
      fc.property(value, value, (n, s) => {
        const p = readPaging({ page_number: n, page_size: s });
        const integer = (v: string | undefined) => v === undefined || v === '' || /^-?\d{1,9}$/.test(v);
        if (!integer(n) || !integer(s)) {
          expect(p).toBeNull();
          return;
        }
        expect(p?.pageNumber).toBeGreaterThanOrEqual(1);
        expect(p?.pageSize).toBeGreaterThanOrEqual(1);
        expect(p?.pageSize).toBeLessThanOrEqual(50);
      }),
    );
  });
});

describe('engine group scaling as of an earlier moment (the sim generalisation this platform needs)', () => {
  it('backdates creates and deletes, and takes per-item ids and outcomes', () => {
    const clock = createManualClock(100_000);
    const engine = createSimEngine({ clock, config: { delays: { bootMs: 3000, deleteMs: 1000 } } });
    const job = expandGroup(engine, {
      tenant: 't',
      group: 'g',
      count: 3,
      at: 90_000,
      nameOf: (n) => `m${n}`,
      idOf: (n) => `i-${n}`,
      outcomeOf: (n) => (n === 1 ? 'error' : undefined),
    });
    expect(job.attrs['instanceIds']).toEqual(['i-0', 'i-1', 'i-2']);
    const states = ['i-0', 'i-1', 'i-2'].map((id) => engine.instances.get('t', id));
    expect(states.map((i) => [i?.state, i?.createdAt, i?.updatedAt])).toEqual([
      ['running', 90_000, 93_000],
      ['error', 90_000, 93_000],
      ['running', 90_000, 93_000],
    ]);
    // A delete sent at 99 s that took 1 s is over by 100 s: the machine is gone already.
    shrinkGroup(engine, { tenant: 't', group: 'g', ids: ['i-0'], at: 99_000 });
    expect(engine.instances.get('t', 'i-0')).toBeUndefined();
    // A moment in the future means now.
    shrinkGroup(engine, { tenant: 't', group: 'g', ids: ['i-2'], at: 500_000 });
    expect(engine.instances.get('t', 'i-2')?.pending).toEqual({ to: 'gone', at: 101_000 });
  });
});
