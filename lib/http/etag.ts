import { createHash } from "node:crypto";

/**
 * Conditional GETs for JSON answers of the read API: the answer carries an ETag (a hash of its
 * body) and `Cache-Control: private, no-cache` (a client may keep it but asks again every time;
 * no shared cache stores it), and a request whose If-None-Match names that ETag gets 304 without
 * a body, so polling an unchanged page costs the query but not the transfer.
 *
 * The ETag is weak (W/"…") on purpose: it names the JSON, not the bytes on the wire, and the
 * server gzips answers for clients that accept it (next.config.js), which a strong ETag would
 * have to tell apart. If-None-Match compares weakly anyway (RFC 9110 §13.1.2).
 */

const CACHE_CONTROL = "private, no-cache";
// A browser session and a bearer token can see different organisations under one URL (the
// server's compression adds Accept-Encoding).
const VARY = "Authorization, Cookie";

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
 * `value` as a 200 JSON answer with its ETag, or 304 with only the headers when the request's
 * If-None-Match already names it.
 */
export function jsonWithEtag(request: Request, value: unknown): Response {
  const json = JSON.stringify(value ?? null);
  const etag = weakEtag(json);
  const headers = { etag, "cache-control": CACHE_CONTROL, vary: VARY };
  if (ifNoneMatchHits(request.headers.get("if-none-match"), etag)) return new Response(null, { status: 304, headers });
  return new Response(json, { status: 200, headers: { ...headers, "content-type": "application/json" } });
}
