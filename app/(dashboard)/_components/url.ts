import type { RawSearchParams } from "@/lib/lists/search-params";

export type Params = Record<string, string | undefined>;

const PAGING = ["after", "before", "last", "p"];

/** The page's search params as single strings (first value of repeated keys). */
export function flatParams(raw: RawSearchParams, allowed: readonly string[]): Params {
  const out: Params = {};
  for (const key of allowed) {
    const v = raw[key];
    const s = Array.isArray(v) ? v[0] : v;
    if (typeof s === "string" && s !== "" && s.length <= 600) out[key] = s;
  }
  return out;
}

/** `base?…` with `changes` applied (undefined removes); filter/sort changes reset paging. */
export function hrefWith(base: string, params: Params, changes: Params = {}, opts: { resetPaging?: boolean } = {}): string {
  const merged: Params = { ...params };
  if (opts.resetPaging) for (const k of PAGING) delete merged[k];
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined || v === "") delete merged[k];
    else merged[k] = v;
  }
  const qs = new URLSearchParams(Object.entries(merged).filter((e): e is [string, string] => e[1] !== undefined)).toString();
  return qs ? `${base}?${qs}` : base;
}
