import { AppError } from "@/lib/errors";
import { first, type RawSearchParams } from "./search-params";

/**
 * The read API is stricter than the pages: a page falls back to defaults for a malformed value
 * (a person clicked an old link), a program gets a 400 naming the parameter, so mistakes surface.
 */
export function assertParsed(raw: RawSearchParams, parsed: Record<string, unknown>, mapping: Record<string, string>): void {
  const fieldErrors: Record<string, string[]> = {};
  for (const [param, key] of Object.entries(mapping)) {
    const given = first(raw, param);
    if (given === undefined) continue;
    const value = parsed[key];
    // A parameter counts as accepted when the parser kept it: same value for enums, ids and dates
    // (sort and dir have defaults, so "present" alone would hide a typo), non-empty for free text.
    const ok =
      key === "overdue"
        ? given === "1" || given === "0"
        : key === "last"
          ? given === "1"
          : value !== undefined && value !== null && (typeof value !== "string" || key === "q" || value.toLowerCase() === given.toLowerCase());
    if (!ok) fieldErrors[param] = [`is not a valid value for ${param}`];
  }
  if (Object.keys(fieldErrors).length) throw new AppError("bad_request", "Some query parameters are not valid.", { details: { fieldErrors } });
}

/** Page size for the API: 1–200 (default 50). */
export function apiPageSize(raw: RawSearchParams): number {
  const v = first(raw, "limit") ?? first(raw, "size");
  if (v === undefined) return 50;
  if (!/^\d{1,4}$/.test(v) || Number(v) < 1 || Number(v) > 200) {
    throw new AppError("bad_request", "limit must be a whole number from 1 to 200.", { details: { fieldErrors: { limit: ["must be 1–200"] } } });
  }
  return Number(v);
}
