/**
 * The one test of "may we send the person there?" for every redirect target that comes from a
 * request: the sign-in page's callbackUrl, next-auth's redirect callback, the return path of the
 * session guards.
 *
 * Decided by parsing, the way a browser will: the WHATWG URL parser reads `/\evil.example` as
 * `//evil.example` (a backslash is a slash in http URLs) and drops tabs and newlines, so
 * `/%09/evil.example` is protocol-relative too. Prefix checks on the text cannot keep up with
 * that; resolving the target against our own origin and comparing origins can.
 */

/**
 * The same-origin path (path, query and hash, as the parser serialised them) that `target`
 * points to relative to `baseUrl`, or null when it leaves the origin, is not a URL, or uses any
 * scheme but the base's. The result always starts with one "/" and never with "//".
 */
export function safeRedirectPath(target: unknown, baseUrl: string): string | null {
  if (typeof target !== "string" || target === "") return null;
  let base: URL;
  let url: URL;
  try {
    base = new URL(baseUrl);
    url = new URL(target, base);
  } catch {
    return null;
  }
  if (url.origin !== base.origin || url.username || url.password) return null;
  const path = `${url.pathname}${url.search}${url.hash}`;
  // "/.//evil.example" resolves to the path "//evil.example", which a browser would read as a host.
  if (!path.startsWith("/") || path.startsWith("//")) return null;
  return path;
}

/** Where to go after signing in when the requested target is unsafe or missing. */
export const DEFAULT_AFTER_SIGN_IN = "/dashboard";
