/**
 * GET /api/health — liveness, database reachability and whether this server's
 * TOKEN_ENCRYPTION_KEY reads the stored Xero tokens (lib/xero/token-key.ts), for load balancers
 * and the test harness. Public, returns no data but the database kind; the server log names the
 * key ids involved.
 */
import { NextResponse } from "next/server";
import { getDatabase, pingDatabase } from "@/lib/db";
import { checkTokenKey } from "@/lib/xero/token-key";

export const dynamic = "force-dynamic";

export async function GET() {
  let handle;
  try {
    handle = await getDatabase();
    await pingDatabase(handle.db);
  } catch (error) {
    console.error("health check failed:", error instanceof Error ? error.message : error);
    return NextResponse.json({ ok: false, error: { code: "database_unavailable", message: "The database is not available." } }, { status: 503 });
  }
  const key = await checkTokenKey(handle.db).catch(() => null);
  if (!key?.ok) {
    const message = "This server's TOKEN_ENCRYPTION_KEY cannot read the stored Xero tokens (a configuration error; the server log says which key they need).";
    return NextResponse.json({ ok: false, database: handle.kind, error: { code: "token_key_mismatch", message } }, { status: 503 });
  }
  return NextResponse.json({ ok: true, database: handle.kind });
}
