/**
 * GET /api/health — liveness, database reachability and whether this server's
 * TOKEN_ENCRYPTION_KEY reads the stored Xero tokens (lib/xero/token-key.ts), for load balancers
 * and the test harness. Public, returns no data but the database kind (and on PostgreSQL the sync
 * queue's counts: queued, running, failed …); the server log names the key ids involved.
 */
import { NextResponse } from "next/server";
import { getDatabase, pingDatabase, type Db } from "@/lib/db";
import { getJobMetrics } from "@/lib/jobs/metrics";
import { syncJobsUrl } from "@/lib/jobs/mode";
import { logServerError } from "@/lib/log";
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
  return NextResponse.json({ ok: true, database: handle.kind, ...(syncJobsUrl() ? { jobs: await jobsHealth(handle.db) } : {}) });
}

/**
 * With sync workers (PostgreSQL): the queue's figures for an orchestrator, and the next scheduled
 * run (the soonest; each organisation's is on /api/metrics, behind its token). Null when the
 * queue cannot be read (the health answer stays about the database and the key).
 */
async function jobsHealth(db: Db) {
  try {
    const m = await getJobMetrics(db, { nextRunsLimit: 1 });
    const { nextRuns, ...counts } = m;
    return { ...counts, nextScheduledRunAt: nextRuns[0]?.nextSyncAt.toISOString() ?? null };
  } catch (error) {
    logServerError("health: sync jobs", error);
    return null;
  }
}
