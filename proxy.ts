/**
 * Runs before every request (Next 16's proxy, formerly middleware): sends requests on another
 * host to NEXTAUTH_URL's host, and sets the security headers with a fresh CSP nonce, which Next
 * reads from the request's CSP header and puts on its scripts. The rules: lib/http/security.ts.
 */
import { NextResponse, type NextRequest } from "next/server";
import { getEnv } from "@/lib/env";
import { CANONICAL_LOCATION_HEADER, CANONICAL_REDIRECT_PATH, canonicalHostRedirect, createNonce, securityHeaders } from "@/lib/http/security";

export function proxy(request: NextRequest) {
  const env = getEnv();
  const headers = securityHeaders({ nonce: createNonce(), canonicalUrl: env.NEXTAUTH_URL, dev: env.NODE_ENV === "development" });
  const requestHeaders = new Headers(request.headers);
  // Only this proxy says where to redirect to.
  requestHeaders.delete(CANONICAL_LOCATION_HEADER);

  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  const target = canonicalHostRedirect(request.url, host, env.NEXTAUTH_URL);
  let response: NextResponse;
  if (target) {
    requestHeaders.set(CANONICAL_LOCATION_HEADER, target);
    response = NextResponse.rewrite(new URL(CANONICAL_REDIRECT_PATH, request.url), { request: { headers: requestHeaders } });
  } else {
    requestHeaders.set("content-security-policy", headers["content-security-policy"]!);
    response = NextResponse.next({ request: { headers: requestHeaders } });
  }
  for (const [k, v] of Object.entries(headers)) response.headers.set(k, v);
  return response;
}

export const config = {
  // Not the build's static files (immutable, nothing to protect or redirect).
  matcher: ["/((?!_next/static|_next/image|favicon.svg).*)"],
};
