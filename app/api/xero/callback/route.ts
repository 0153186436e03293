/**
 * GET /api/xero/callback: Xero's redirect after the Connect Xero consent. Validates and completes
 * the attempt (lib/xero/connections.ts: completeXeroConnect), then goes to the dashboard; any
 * failure goes to the connect-error page with a reason code only (never the code or state), and
 * nothing is stored.
 */
import { NextResponse } from "next/server";
import { logServerError } from "@/lib/api/log";
import { getCurrentUser } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { completeXeroConnect, XeroConnectError } from "@/lib/xero/connections";

export const dynamic = "force-dynamic";

export async function GET(request: Request): Promise<Response> {
  const url = new URL(request.url);
  const user = await getCurrentUser();
  if (!user) return NextResponse.redirect(new URL("/connect-error?reason=signed_out", request.url), 303);
  const q = url.searchParams;
  try {
    const result = await completeXeroConnect(await getDb(), user.id, {
      state: q.get("state"),
      code: q.get("code"),
      error: q.get("error"),
      error_description: q.get("error_description"),
    });
    const to = new URL("/dashboard", request.url);
    to.searchParams.set("connected", String(result.tenants.length));
    return NextResponse.redirect(to, { status: 303, headers: { "cache-control": "no-store" } });
  } catch (error) {
    const reason = error instanceof XeroConnectError ? error.reason : "xero_unavailable";
    if (!(error instanceof XeroConnectError) || reason === "xero_unavailable" || reason === "not_configured") {
      logServerError("GET /api/xero/callback", error);
    }
    return NextResponse.redirect(new URL(`/connect-error?reason=${reason}`, request.url), 303);
  }
}
