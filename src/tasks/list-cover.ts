/**
 * Which marker prefixes to list so that a round sees the machines of the
 * items it looks at, and few others. Markers end in the item's seq padded
 * to the task's width (markers.ts), so a prefix of d seq digits is an
 * aligned block of 10^(width − d) items: `…-01` is items 1000–1999 of a
 * task of 10,000. Starting from the smallest block that holds every item
 * wanted, the block with the most unwanted machines is split into its ten
 * sub-blocks while the list count stays within the budget, until every
 * block is at least half wanted (or a single decade, whose split would cost
 * more calls than it saves). Pure, so it is tested on its own.
 */

interface Block {
  /** Seq digits shared by the block (padded), '' for the whole task. */
  digits: string;
  lo: number;
  hi: number;
  wanted: number;
}

/** How many of the sorted `seqs` fall in [lo, hi]. */
function countIn(seqs: readonly number[], lo: number, hi: number): number {
  const firstAtLeast = (x: number) => {
    let a = 0;
    let b = seqs.length;
    while (a < b) {
      const m = (a + b) >> 1;
      if (seqs[m]! < x) a = m + 1;
      else b = m;
    }
    return a;
  };
  return firstAtLeast(hi + 1) - firstAtLeast(lo);
}

/**
 * @param seqs the items to observe (any order; duplicates ignored)
 * @param width digits every seq is padded to
 * @param count the task's highest seq
 * @param maxLists how many prefixes at most
 * @returns seq-digit prefixes to append to the task's marker prefix; disjoint, covering every seq
 */
export function listCover(seqs: readonly number[], width: number, count: number, maxLists: number): string[] {
  const sorted = [...new Set(seqs)].sort((a, b) => a - b);
  if (sorted.length === 0) return [];
  const pad = (n: number) => String(n).padStart(width, '0');
  const block = (digits: string): Block => {
    const span = 10 ** (width - digits.length);
    const start = digits === '' ? 0 : Number(digits) * span;
    const lo = Math.max(1, start);
    const hi = Math.min(count, start + span - 1);
    return { digits, lo, hi, wanted: hi >= lo ? countIn(sorted, lo, hi) : 0 };
  };
  const first = pad(sorted[0]!);
  const last = pad(sorted.at(-1)!);
  let shared = 0;
  while (shared < width && first[shared] === last[shared]) shared++;
  const blocks: Block[] = [block(first.slice(0, shared))];
  const unsplittable = new Set<string>();
  const waste = (b: Block) => b.hi - b.lo + 1 - b.wanted;
  for (;;) {
    // A block of one decade or less is listed whole; one at least half wanted is worth its list.
    const open = blocks.filter(
      (b) => b.digits.length < width - 1 && waste(b) > b.wanted && !unsplittable.has(b.digits),
    );
    if (open.length === 0) break;
    const worst = open.reduce((a, b) => (waste(b) > waste(a) ? b : a));
    const parts = Array.from({ length: 10 }, (_, d) => block(`${worst.digits}${d}`)).filter((b) => b.wanted > 0);
    if (blocks.length - 1 + parts.length > maxLists) {
      unsplittable.add(worst.digits);
      continue;
    }
    blocks.splice(blocks.indexOf(worst), 1, ...parts);
  }
  return blocks.map((b) => b.digits);
}
