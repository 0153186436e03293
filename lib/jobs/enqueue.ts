/**
 * The app's side of the sync workers: Sync now, the API's sync route, webhooks and the first
 * syncs after Connect Xero become jobs (lib/jobs/queue.ts) when this process uses them
 * (lib/jobs/mode.ts). Answers keep the shapes of lib/sync/service.ts: a sync already running says
 * so with its session; otherwise "queued", since which worker starts it, and when, is not known here.
 */
import { eq } from "drizzle-orm";
import type { Db } from "@/lib/db";
import { xeroConnections, xeroTenants } from "@/lib/db/schema";
import { requestFollowUpSync } from "@/lib/sync/lease";
import type { RequestSyncInput, RequestSyncResult } from "@/lib/sync/service";
import { getBoss, sendSyncJob } from "./queue";

/** requestSync's answer for a tenant the caller owns, with its job sent when one should run. */
export async function enqueueRequestedSync(db: Db, url: string, input: RequestSyncInput): Promise<RequestSyncResult> {
  const [row] = await db
    .select({ tenant: xeroTenants, connectionStatus: xeroConnections.status })
    .from(xeroTenants)
    .innerJoin(xeroConnections, eq(xeroConnections.id, xeroTenants.connectionId))
    .where(eq(xeroTenants.id, input.tenantId));
  if (!row) return { status: "skipped", reason: "not_found" };
  const { tenant, connectionStatus } = row;
  // The same checks the engine makes before taking the lease, so the answer is the one Sync now gave.
  if (tenant.status === "disconnected") return { status: "skipped", reason: "disconnected" };
  if (tenant.status === "needs_reconnect" || connectionStatus !== "active") return { status: "skipped", reason: "needs_reconnect" };
  if (tenant.rateLimitedUntil && tenant.rateLimitedUntil.getTime() > Date.now()) {
    return { status: "skipped", reason: "rate_limited", rateLimitedUntil: tenant.rateLimitedUntil };
  }
  const running = tenant.syncLockOwner && tenant.syncLockExpiresAt && tenant.syncLockExpiresAt.getTime() > Date.now();
  if (running && !input.followUpIfRunning) return { status: "already_running", sessionId: tenant.syncSessionId };
  if (running && (await requestFollowUpSync(db, tenant.id))) return { status: "already_running", sessionId: tenant.syncSessionId, followUp: true };
  const boss = await getBoss(url);
  await sendSyncJob(boss, {
    tenantId: tenant.id,
    trigger: input.trigger ?? "manual",
    ...(input.entities ? { entities: [...input.entities] } : {}),
    ...(input.full ? { full: true } : {}),
  });
  return { status: "queued", sessionId: null };
}

/** startFirstSyncs' jobs: one per organisation that never synced; returns them. */
export async function enqueueFirstSyncs(url: string, tenantIds: string[]): Promise<string[]> {
  const boss = await getBoss(url);
  for (const tenantId of tenantIds) await sendSyncJob(boss, { tenantId, trigger: "connect" });
  return tenantIds;
}
