/**
 * Seedable random source. Every random choice a simulator makes (ids, fault dice,
 * create outcomes, latency jitter) comes from here, so a run is reproducible from its seed.
 * Independent streams per purpose keep one kind of draw from shifting another: adding a
 * fault rule must not change the ids the next create gets.
 */
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';

export interface Random {
  /** Uniform in [0, 1). */
  float(): number;
  /** Uniform integer in [min, max], both included. */
  int(min: number, max: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  /** Lowercase hex string of the given length. */
  hex(length: number): string;
  /** RFC 4122 version-4 shaped UUID. */
  uuid(): string;
  pick<T>(items: readonly T[]): T;
  /** Restart the stream from a new seed (used by a simulator reset). */
  reseed(seed: number): void;
}

/** Mixes a stream name into a seed (FNV-1a) so streams of one seed are independent. */
export function deriveSeed(seed: number, stream: string): number {
  let h = 0x811c9dc5 ^ (seed | 0);
  for (let i = 0; i < stream.length; i++) {
    h ^= stream.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}

export function createRandom(seed: number): Random {
  let gen = xoroshiro128plus(seed | 0);
  const hex = (length: number): string => {
    let out = '';
    while (out.length < length) out += uniformInt(gen, 0, 0xffff).toString(16).padStart(4, '0');
    return out.slice(0, length);
  };
  return {
    float: () => uniformFloat64(gen),
    int: (min, max) => uniformInt(gen, min, max),
    chance: (p) => (p <= 0 ? false : p >= 1 ? true : uniformFloat64(gen) < p),
    hex,
    uuid: () => {
      const h = hex(32);
      const variant = ((parseInt(h[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
    },
    pick: (items) => {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[uniformInt(gen, 0, items.length - 1)] as (typeof items)[number];
    },
    reseed: (next) => {
      gen = xoroshiro128plus(next | 0);
    },
  };
}
