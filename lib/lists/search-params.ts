import { z } from "zod";
import { UUID_RE } from "./keyset";

/**
 * URL state helpers shared by the list pages, the CSV export and the read API. Every parameter is
 * parsed on its own and falls back to its default when malformed, so a hostile or stale URL gives
 * a clean page rather than an error (a 500 never; tests/integration/dashboard covers this).
 */

export type RawSearchParams = Record<string, string | string[] | undefined>;

export function fromURLSearchParams(params: URLSearchParams): RawSearchParams {
  const out: RawSearchParams = {};
  for (const key of new Set(params.keys())) {
    const all = params.getAll(key);
    out[key] = all.length > 1 ? all : all[0];
  }
  return out;
}

/** The first value of a parameter (repeated parameters are ignored beyond the first), trimmed. */
export function first(raw: RawSearchParams, key: string): string | undefined {
  const v = raw[key];
  const s = Array.isArray(v) ? v[0] : v;
  if (typeof s !== "string") return undefined;
  const t = s.trim();
  return t === "" ? undefined : t;
}

export function pick<T extends string>(raw: RawSearchParams, key: string, allowed: readonly T[]): T | undefined {
  const v = first(raw, key);
  return v !== undefined && (allowed as readonly string[]).includes(v) ? (v as T) : undefined;
}

export function uuidParam(raw: RawSearchParams, key: string): string | undefined {
  const v = first(raw, key)?.toLowerCase();
  return v && UUID_RE.test(v) ? v : undefined;
}

const isoDate = z.iso.date();

/** A calendar date YYYY-MM-DD within a sane range, else undefined. */
export function dateParam(raw: RawSearchParams, key: string): string | undefined {
  const v = first(raw, key);
  if (!v || !isoDate.safeParse(v).success) return undefined;
  const year = Number(v.slice(0, 4));
  return year >= 1900 && year <= 2200 ? v : undefined;
}

/** Free text for search: bounded length, control characters removed. */
export function textParam(raw: RawSearchParams, key: string, max = 100): string | undefined {
  const v = first(raw, key);
  if (!v) return undefined;
  const cleaned = v.replace(/[\u0000-\u001f\u007f]/g, "").slice(0, max).trim();
  return cleaned || undefined;
}

export function intParam(raw: RawSearchParams, key: string, min: number, max: number): number | undefined {
  const v = first(raw, key);
  if (!v || !/^\d{1,9}$/.test(v)) return undefined;
  const n = Number(v);
  return n >= min && n <= max ? n : undefined;
}

export const PAGE_SIZES = [25, 50, 100] as const;

export function pageSizeParam(raw: RawSearchParams, def = 50): number {
  const n = intParam(raw, "size", 1, 1000);
  return n && (PAGE_SIZES as readonly number[]).includes(n) ? n : def;
}

/** Escapes LIKE/ILIKE wildcards so a search for "50%" or "a_b" matches those characters literally. */
export function escapeLike(term: string): string {
  return term.replace(/[\\%_]/g, (c) => `\\${c}`);
}
