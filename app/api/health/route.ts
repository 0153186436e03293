/**
 * GET /api/health — liveness and database reachability, for load balancers and the test harness.
 * Public, returns no data but the database kind.
 */
import { NextResponse } from "next/server";
import { getDatabase } from "@/lib/db";
import { sql } from "drizzle-orm";

export const dynamic = "force-dynamic";

export async function GET() {
  try {
    const handle = await getDatabase();
    await handle.db.execute(sql`select 1`);
    return NextResponse.json({ ok: true, database: handle.kind });
  } catch (error) {
    console.error("health check failed:", error instanceof Error ? error.message : error);
    return NextResponse.json({ ok: false, error: { code: "database_unavailable", message: "The database is not available." } }, { status: 503 });
  }
}
