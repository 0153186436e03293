/**
 * Any method on /api/canonical-host: the redirect of a request that arrived on another host than
 * NEXTAUTH_URL's, to the same path there (308 keeps the method and body). Reached only through
 * proxy.ts, which rewrites such requests here with the target in a request header it alone sets
 * (lib/http/security.ts explains why the proxy cannot answer the redirect itself).
 */
import { getEnv } from "@/lib/env";
import { CANONICAL_LOCATION_HEADER } from "@/lib/http/security";

export const dynamic = "force-dynamic";

function handler(request: Request): Response {
  const target = request.headers.get(CANONICAL_LOCATION_HEADER);
  const origin = new URL(getEnv().NEXTAUTH_URL).origin;
  if (!target || !target.startsWith(`${origin}/`)) return new Response("Not found", { status: 404 });
  return new Response(null, { status: 308, headers: { location: target, "cache-control": "no-store" } });
}

export { handler as GET, handler as HEAD, handler as POST, handler as PUT, handler as PATCH, handler as DELETE, handler as OPTIONS };
