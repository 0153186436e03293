/**
 * GET /api/xero/callback: Xero's redirect after the Connect Xero consent. Validates and completes
 * the attempt (lib/xero/connect-flow.ts: completeXeroConnect), starts the first sync of each new
 * organisation at once (lib/sync: startFirstSyncs), then goes to the dashboard; any
 * failure goes to the connect-error page with a reason code only (never the code or state), and
 * nothing is stored.
 */
import { NextResponse } from "next/server";
import { logServerError } from "@/lib/log";
import { getCurrentUser } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { startFirstSyncs } from "@/lib/sync";
import { XeroConnectError } from "@/lib/xero/connect-errors";
import { completeXeroConnect } from "@/lib/xero/connect-flow";

export const dynamic = "force-dynamic";

export async function GET(request: Request): Promise<Response> {
  const url = new URL(request.url);
  const user = await getCurrentUser();
  if (!user) return NextResponse.redirect(new URL("/connect-error?reason=signed_out", request.url), 303);
  const q = url.searchParams;
  try {
    const db = await getDb();
    const result = await completeXeroConnect(db, user.id, {
      state: q.get("state"),
      code: q.get("code"),
      error: q.get("error"),
      error_description: q.get("error_description"),
    });
    // Not awaited past queueing: the syncs run in the background while the overview shows them.
    await startFirstSyncs(db, user.id, result.tenants.map((t) => t.id)).catch((error: unknown) => logServerError("GET /api/xero/callback: first syncs", error));
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
