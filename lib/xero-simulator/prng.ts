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

const HEX = "0123456789abcdef";

/** A version-4-shaped UUID drawn from `r`. */
export function uuid(r: Rng): string {
  let s = "";
  for (let i = 0; i < 32; i++) {
    let n = Math.floor(r() * 16);
    if (i === 12) n = 4;
    if (i === 16) n = (n & 0x3) | 0x8;
    s += HEX[n];
    if (i === 7 || i === 11 || i === 15 || i === 19) s += "-";
  }
  return s;
}

export function int(r: Rng, min: number, max: number): number {
  return min + Math.floor(r() * (max - min + 1));
}

export function pick<T>(r: Rng, items: readonly T[]): T {
  const v = items[Math.floor(r() * items.length)];
  if (v === undefined) throw new Error("pick from empty list");
  return v;
}
