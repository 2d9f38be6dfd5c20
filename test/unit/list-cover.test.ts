import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { listCover } from '../../src/tasks/list-cover.ts';
import { seqWidth } from '../../src/tasks/markers.ts';

/** The seqs of a task of `count` that a list of these prefixes (of padded seqs) returns. */
const listed = (cover: string[], width: number, count: number) => {
  const seqs: number[] = [];
  for (let s = 1; s <= count; s++) {
    const padded = String(s).padStart(width, '0');
    if (cover.some((p) => padded.startsWith(p))) seqs.push(s);
  }
  return seqs;
};

describe('listCover (which marker prefixes a round lists)', () => {
  it('lists an aligned page of a big task with one prefix, not the whole task', () => {
    expect(listCover(range(1000, 1999), 5, 10_000, 8)).toEqual(['01']);
    expect(listCover(range(1, 999), 5, 10_000, 8)).toEqual(['00']);
  });

  it('lists the tail of a task without the machines already settled', () => {
    const cover = listCover(range(9801, 10_000), 5, 10_000, 8);
    expect(cover).toEqual(['098', '099', '1']);
    // 9800–10000: one machine more than wanted, instead of the 9,800 already settled.
    expect(listed(cover, 5, 10_000)).toHaveLength(201);
  });

  it('lists the whole task in one prefix when all of it is wanted', () => {
    expect(listCover(range(1, 1000), 4, 1000, 8)).toEqual(['']);
    expect(listCover([1, 2, 3], 1, 3, 8)).toEqual(['']);
  });

  it('covers every wanted item, with disjoint prefixes, within the budget (property)', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 3000 })
          .chain((count) =>
            fc.tuple(
              fc.constant(count),
              fc.uniqueArray(fc.integer({ min: 1, max: count }), { minLength: 1, maxLength: 300 }),
              fc.integer({ min: 1, max: 12 }),
            ),
          ),
        ([count, seqs, budget]) => {
          const width = seqWidth(count);
          const cover = listCover(seqs, width, count, budget);
          const got = new Set(listed(cover, width, count));
          for (const s of seqs) expect(got.has(s)).toBe(true);
          expect(cover.length).toBeLessThanOrEqual(Math.max(1, budget));
          for (const a of cover) for (const b of cover) if (a !== b) expect(a.startsWith(b)).toBe(false);
        },
      ),
    );
  });
});

function range(from: number, to: number) {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
