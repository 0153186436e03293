import { createHash } from "node:crypto";
import { encodeBody } from "./compression";

/**
 * Conditional GETs for JSON answers of the read API: the answer carries an ETag (a hash of its
 * body) and `Cache-Control: private, no-cache` (a client may keep it but asks again every time;
 * no shared cache stores it), and a request whose If-None-Match names that ETag gets 304 without
 * a body, so polling an unchanged page costs the query but not the transfer.
 *
 * The ETag is weak (W/"…") on purpose: it names the JSON, not the bytes on the wire, and answers
 * are compressed (br or gzip by Accept-Encoding, lib/http/compression.ts), which a strong ETag
 * would have to tell apart. If-None-Match compares weakly anyway (RFC 9110 §13.1.2).
 */

const CACHE_CONTROL = "private, no-cache";
// A browser session and a bearer token can see different organisations under one URL, and the
// bytes depend on the encoding asked for.
const VARY = "Accept-Encoding, Authorization, Cookie";

/** The weak ETag of a body: W/"<SHA-256 of its bytes, base64url>". */
export function weakEtag(body: string): string {
  return `W/"${createHash("sha256").update(body, "utf8").digest("base64url")}"`;
}

/** Does If-None-Match (a list of ETags, or `*`) match `etag`, by weak comparison? */
export function ifNoneMatchHits(header: string | null, etag: string): boolean {
  if (!header) return false;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, "");
  const want = opaque(etag);
  return header.split(",").some((tag) => tag.trim() === "*" || opaque(tag) === want);
}

/**
 * `value` as a 200 JSON answer with its ETag, compressed as the request accepts, or 304 with only
 * the headers when the request's If-None-Match already names it.
 */
export async function jsonWithEtag(request: Request, value: unknown): Promise<Response> {
  const json = JSON.stringify(value ?? null);
  const etag = weakEtag(json);
  const headers = { etag, "cache-control": CACHE_CONTROL, vary: VARY };
  if (ifNoneMatchHits(request.headers.get("if-none-match"), etag)) return new Response(null, { status: 304, headers });
  const encoded = await encodeBody(request, json);
  return new Response(encoded.body, { status: 200, headers: { ...headers, ...encoded.headers, "content-type": "application/json" } });
}
