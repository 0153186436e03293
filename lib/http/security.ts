/**
 * What proxy.ts does to every request, as pure functions (unit-tested without a server):
 * - requests that arrive on another host than NEXTAUTH_URL's go to the same path there, because
 *   the sign-in and Connect Xero cookies (state, PKCE) are set for one host and Xero comes back
 *   to NEXTAUTH_URL: starting on 127.0.0.1 and returning to localhost loses them. The health
 *   check (probes use any address), Xero's webhooks (signed, cookie-less) and the read API
 *   (bearer tokens, no cookies; many HTTP clients drop Authorization on a redirect to another host)
 *   are served on any host;
 * - security headers on every answer, with a fresh CSP nonce per request.
 *
 * Scripts: a nonce with 'strict-dynamic' rather than 'unsafe-inline'. Next applies the nonce it
 * finds in the request's CSP header to its own inline and bundle scripts, and every page here is
 * rendered per request anyway (sessions; the root layout opts in), so nothing cached goes
 * without it. Styles: 'unsafe-inline', because React renders style attributes (chart bar widths,
 * the global error page) that a nonce cannot cover, and CSS cannot run code.
 */

/**
 * Where proxy.ts sends a request that must move host, with the target in CANONICAL_LOCATION_HEADER:
 * app/api/canonical-host answers the redirect. Not the proxy itself, because Next turns a proxy
 * redirect whose host equals its own idea of the request's host (localhost:PORT, whatever the Host
 * header said) into a relative Location, which would keep a browser on 127.0.0.1 forever.
 */
export const CANONICAL_REDIRECT_PATH = "/api/canonical-host";
export const CANONICAL_LOCATION_HEADER = "x-xero-sync-canonical-location";

/** Paths answered on any host (exact, or a prefix followed by "/"). */
export const ANY_HOST_PATHS = ["/api/health", "/api/xero/webhooks", "/api/v1"] as const;

function onAnyHost(pathname: string): boolean {
  return ANY_HOST_PATHS.some((p) => pathname === p || pathname.startsWith(`${p}/`));
}

/** A Host header value as URL.host would write it for `protocol` (lower case, default port dropped). */
function normalizeHost(host: string, protocol: string): string | null {
  try {
    return new URL(`${protocol}//${host}`).host;
  } catch {
    return null;
  }
}

/**
 * The URL to redirect to when the request's host is not the canonical one, or null to serve it.
 * `host` is what the browser used: X-Forwarded-Host behind a reverse proxy, else Host.
 */
export function canonicalHostRedirect(requestUrl: string, host: string | null, canonicalUrl: string): string | null {
  const canonical = new URL(canonicalUrl);
  const url = new URL(requestUrl);
  if (onAnyHost(url.pathname)) return null;
  const seen = host ? normalizeHost(host.split(",")[0]!.trim(), canonical.protocol) : null;
  if (seen === canonical.host) return null;
  return `${canonical.origin}${url.pathname}${url.search}`;
}

/** 16 random bytes, base64: unguessable per response. */
export function createNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}

export interface SecurityHeaderOptions {
  nonce: string;
  /** NEXTAUTH_URL: HSTS and upgrade-insecure-requests only when it is https. */
  canonicalUrl: string;
  /** next dev: React's dev tools evaluate code ('unsafe-eval'). */
  dev: boolean;
}

export function contentSecurityPolicy({ nonce, canonicalUrl, dev }: SecurityHeaderOptions): string {
  const https = new URL(canonicalUrl).protocol === "https:";
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(https ? ["upgrade-insecure-requests"] : []),
  ].join("; ");
}

/** The headers every answer carries. */
export function securityHeaders(options: SecurityHeaderOptions): Record<string, string> {
  const https = new URL(options.canonicalUrl).protocol === "https:";
  return {
    "content-security-policy": contentSecurityPolicy(options),
    // Our URLs carry searches and organisation ids: none of it goes to other sites.
    "referrer-policy": "same-origin",
    "x-content-type-options": "nosniff",
    // frame-ancestors for browsers that predate it.
    "x-frame-options": "DENY",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
    // Only over https: HSTS on http is ignored by browsers and would be wrong to promise.
    ...(https ? { "strict-transport-security": "max-age=31536000" } : {}),
  };
}
