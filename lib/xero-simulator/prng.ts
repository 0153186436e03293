/** Small deterministic helpers: a seeded PRNG, seed mixing and UUIDs drawn from it. */

export type Rng = () => number;

/** mulberry32: fast, good enough for test data, fully deterministic for a given 32-bit seed. */
export function rng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Mix several integers into one 32-bit seed (murmur-style finaliser). */
export function mix(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const p of parts) {
    h = Math.imul(h ^ (p >>> 0), 0x85ebca6b);
    h = (h ^ (h >>> 13)) >>> 0;
    h = Math.imul(h, 0xc2b2ae35);
    h = (h ^ (h >>> 16)) >>> 0;
  }
  return h >>> 0;
}

/** Seed from a string (FNV-1a). */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const HEX_CODES = [..."0123456789abcdef"].map((c) => c.charCodeAt(0));
const DASH = "-".charCodeAt(0);
const codes: number[] = new Array<number>(36).fill(0);

/**
 * A version-4-shaped UUID drawn from `r`. Built as one flat string from char codes: appending
 * char by char leaves a rope of dozens of heap objects per id, which made 100k invoices GC-bound.
 */
export function uuid(r: Rng): string {
  let o = 0;
  for (let w = 0; w < 4; w++) {
    let v = Math.floor(r() * 4294967296);
    for (let k = 0; k < 8; k++) {
      const i = w * 8 + k;
      let n = (v >>> 28) & 0xf;
      v = (v << 4) >>> 0;
      if (i === 12) n = 4;
      if (i === 16) n = (n & 0x3) | 0x8;
      if (i === 8 || i === 12 || i === 16 || i === 20) codes[o++] = DASH;
      codes[o++] = HEX_CODES[n] ?? 48;
    }
  }
  return String.fromCharCode.apply(null, codes);
}

export function int(r: Rng, min: number, max: number): number {
  return min + Math.floor(r() * (max - min + 1));
}

export function pick<T>(r: Rng, items: readonly T[]): T {
  const v = items[Math.floor(r() * items.length)];
  if (v === undefined) throw new Error("pick from empty list");
  return v;
}
