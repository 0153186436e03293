/**
 * The sync engine as the app sees it: start a sync in the background ("Sync now", the first syncs
 * after Connect Xero). Scoped by user: a tenant that is not the user's is "not found". The state of
 * every organisation's sync is read by lib/overview/sync-status.ts.
 */
import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "@/lib/db";
import { listSyncCursorsByTenants } from "@/lib/db/queries/sync-cursors";
import { xeroTenants } from "@/lib/db/schema";
import type { SyncEntity } from "@/lib/entities/registry";
import { AppError } from "@/lib/errors";
import { syncJobsUrl } from "@/lib/jobs/mode";
import { isDraining, reserveSlot, submit, syncStopSignal, track } from "./background";
import { startSync, type SyncResult, type SyncTenantOptions, type SyncTrigger } from "./engine";
import { requestFollowUpSync } from "./lease";
import { logServerError } from "@/lib/log";

export interface RequestSyncInput {
  userId: string;
  /** xero_tenants.id */
  tenantId: string;
  entities?: readonly SyncEntity[];
  full?: boolean;
  trigger?: SyncTrigger;
  /**
   * When a sync of the tenant is already running, have another one run after it (webhooks: the
   * running sync may already have walked past the announced change). "Sync now" just follows.
   */
  followUpIfRunning?: boolean;
}

export type RequestSyncResult =
  | { status: "started"; sessionId: string }
  | { status: "already_running"; sessionId: string | null; followUp?: true }
  /** Every background slot of this process is busy: it starts when one frees up. */
  | { status: "queued"; sessionId: null }
  | {
      status: "skipped";
      reason: "rate_limited" | "needs_reconnect" | "disconnected" | "not_found" | "not_due" | "busy" | "shutting_down";
      rateLimitedUntil?: Date;
    };

/**
 * Starts a sync of one of the user's tenants in the background and returns as soon as it holds the
 * tenant's lease, with the session id to follow (xero_sessions row, updated after every page). If
 * a sync of the tenant is already running anywhere, says so with that sync's session id. When this
 * process already runs SYNC_MAX_CONCURRENT background syncs, the request waits its turn
 * ("queued"), or is refused ("busy") once the queue is full; while shutting down, "shutting_down".
 * Throws AppError("not_found") when the tenant is not the user's.
 */
export async function requestSync(db: Db, input: RequestSyncInput, advanced: Partial<SyncTenantOptions> = {}): Promise<RequestSyncResult> {
  const [owned] = await db
    .select({ id: xeroTenants.id })
    .from(xeroTenants)
    .where(and(eq(xeroTenants.id, input.tenantId), eq(xeroTenants.userId, input.userId)));
  if (!owned) throw new AppError("not_found", "That organisation is not connected to your account.");
  // On PostgreSQL the app only enqueues: the workers (npm run worker) sync.
  const jobsUrl = syncJobsUrl();
  if (jobsUrl) return (await import("@/lib/jobs/enqueue")).enqueueRequestedSync(db, jobsUrl, input);
  if (isDraining()) return { status: "skipped", reason: "shutting_down" };
  const release = reserveSlot();
  if (!release) {
    const admitted = submit({
      key: input.tenantId,
      tenantIds: [input.tenantId],
      run: async (_signal, starting) => {
        const begun = await beginSync(db, input, advanced).finally(() => starting(input.tenantId));
        await begun.done;
      },
    });
    if (admitted === "queued") return { status: "queued", sessionId: null };
    if (admitted === "started") return { status: "queued", sessionId: null }; // a slot freed in between: it is starting
    return { status: "skipped", reason: admitted };
  }
  try {
    const begun = await beginSync(db, input, advanced);
    if (begun.done) void track(begun.done.finally(release));
    else release();
    return begun.result;
  } catch (error) {
    release();
    throw error;
  }
}

/** Takes the lease and opens the session now; `done` is the run (with its follow-up), when one started. */
async function beginSync(
  db: Db,
  input: RequestSyncInput,
  advanced: Partial<SyncTenantOptions>,
): Promise<{ result: RequestSyncResult; done?: Promise<SyncResult> }> {
  const options: SyncTenantOptions = {
    ...advanced,
    tenantId: input.tenantId,
    entities: input.entities,
    full: input.full,
    trigger: input.trigger ?? "manual",
    signal: advanced.signal ?? syncStopSignal(),
  };
  let started = await startSync(db, options);
  if ("status" in started && started.status === "already_running" && input.followUpIfRunning) {
    if (await requestFollowUpSync(db, input.tenantId)) return { result: { ...started, followUp: true } };
    started = await startSync(db, options); // it ended in between: start one now
  }
  if ("status" in started) return { result: started };
  const sessionId = started.sessionId;
  const done = started
    .run()
    .catch((error: unknown): SyncResult => {
      logServerError(`sync background ${input.tenantId}`, error);
      return { status: "error", sessionId, entities: [], calls: 0, error: "internal" };
    })
    .then(async (result) => {
      // Changes were announced while it ran: one more sync of every entity picks them up (it takes
      // its own slot, or waits for one).
      if ("followUpRequested" in result && result.followUpRequested) {
        await requestSync(db, { userId: input.userId, tenantId: input.tenantId, trigger: "webhook", followUpIfRunning: true }, advanced).catch((error: unknown) =>
          logServerError(`sync follow-up ${input.tenantId}`, error),
        );
      }
      return result;
    });
  return { result: { status: "started", sessionId }, done };
}

/**
 * After Connect Xero: the first sync of each organisation that has never synced, at once and one
 * after another (one background slot; each organisation's calls stay within Xero's per-tenant
 * limits, and the app-wide minute limit is never burst), instead of waiting for the scheduler's
 * next tick. The overview shows each as queued, syncing, then done. Returns the organisations
 * queued, or none when the process is shutting down (the schedule then picks them up).
 */
export async function startFirstSyncs(db: Db, userId: string, tenantIds: string[], advanced: Partial<SyncTenantOptions> = {}): Promise<string[]> {
  if (tenantIds.length === 0) return [];
  const owned = await db
    .select({ id: xeroTenants.id })
    .from(xeroTenants)
    .where(and(eq(xeroTenants.userId, userId), inArray(xeroTenants.id, tenantIds), eq(xeroTenants.status, "active")));
  const synced = new Set((await listSyncCursorsByTenants(db, owned.map((t) => t.id))).filter((c) => c.lastSuccessAt).map((c) => c.tenantId));
  const fresh = tenantIds.filter((id) => owned.some((t) => t.id === id) && !synced.has(id));
  if (fresh.length === 0) return [];
  const jobsUrl = syncJobsUrl();
  if (jobsUrl) return (await import("@/lib/jobs/enqueue")).enqueueFirstSyncs(jobsUrl, fresh);
  const admitted = submit({
    key: `first:${fresh.join(",")}`,
    tenantIds: fresh,
    run: async (signal, starting) => {
      for (const tenantId of fresh) {
        if (signal.aborted) return;
        try {
          // Shown as queued until it holds the lease (then its running session shows).
          const begun = await startSync(db, { ...advanced, tenantId, trigger: "connect", signal }).finally(() => starting(tenantId));
          if (!("status" in begun)) await begun.run();
        } catch (error) {
          logServerError(`first sync ${tenantId}`, error);
        }
      }
    },
  });
  return admitted === "started" || admitted === "queued" ? [...fresh] : [];
}
