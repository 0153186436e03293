/**
 * GET /api/xero/connect: starts Connect Xero for the signed-in user (fresh state, PKCE verifier and
 * nonce per attempt; see lib/xero/connect-flow.ts) and redirects to Xero's consent page. Signed out
 * → the sign-in page, which comes back here. Failure → the connect-error page.
 */
import { NextResponse } from "next/server";
import { logServerError } from "@/lib/log";
import { getCurrentUser } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { XeroConnectError } from "@/lib/xero/connect-errors";
import { startXeroConnect } from "@/lib/xero/connect-flow";

export const dynamic = "force-dynamic";

export async function GET(request: Request): Promise<Response> {
  const user = await getCurrentUser();
  if (!user) {
    return NextResponse.redirect(new URL(`/sign-in?callbackUrl=${encodeURIComponent("/api/xero/connect")}`, request.url), 303);
  }
  try {
    const { url } = await startXeroConnect(await getDb(), user.id);
    return NextResponse.redirect(url, { status: 302, headers: { "cache-control": "no-store" } });
  } catch (error) {
    logServerError("GET /api/xero/connect", error);
    const reason = error instanceof XeroConnectError ? error.reason : "xero_unavailable";
    return NextResponse.redirect(new URL(`/connect-error?reason=${reason}`, request.url), 303);
  }
}
