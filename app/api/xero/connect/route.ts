/**
 * GET /api/xero/connect: starts Connect Xero for the signed-in user (fresh state, PKCE verifier and
 * nonce per attempt; see lib/xero/connect-flow.ts) and redirects to Xero's consent page.
 * `?reconnect=<connection id>` asks only for the scopes that grant lacks for the enabled entities
 * (lib/xero/scope-status.ts). Signed out → the sign-in page, which comes back here. Failure → the
 * connect-error page.
 */
import { NextResponse } from "next/server";
import { z } from "zod";
import { logServerError } from "@/lib/log";
import { getCurrentUser } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { withUser } from "@/lib/http/handler";
import { XeroConnectError } from "@/lib/xero/connect-errors";
import { startXeroConnect } from "@/lib/xero/connect-flow";
import { reconnectScopes } from "@/lib/xero/scope-status";

export const dynamic = "force-dynamic";

const connectQuery = z.object({ reconnect: z.uuid("must be a connection id").optional() });

const connect = withUser(connectQuery, async ({ user, input, request }) => {
  const db = await getDb();
  // A connection of someone else is not found (404), before anything is asked of Xero.
  const scopes = input.reconnect ? await reconnectScopes(db, user.id, input.reconnect) : null;
  try {
    const { url } = await startXeroConnect(db, user.id, scopes ? { scopes } : {});
    return NextResponse.redirect(url, { status: 302, headers: { "cache-control": "no-store" } });
  } catch (error) {
    logServerError("GET /api/xero/connect", error);
    const reason = error instanceof XeroConnectError ? error.reason : "xero_unavailable";
    return NextResponse.redirect(new URL(`/connect-error?reason=${reason}`, request.url), 303);
  }
});

export async function GET(request: Request): Promise<Response> {
  if (!(await getCurrentUser())) {
    const back = new URL(request.url);
    return NextResponse.redirect(new URL(`/sign-in?callbackUrl=${encodeURIComponent(`/api/xero/connect${back.search}`)}`, request.url), 303);
  }
  return connect(request);
}
