/**
 * Webhook-started syncs, debounced per tenant in the database so that it holds across processes
 * and restarts: a flood of valid events costs at most one sync per tenant per window
 * (WEBHOOK_SYNC_DEBOUNCE_SECONDS), and no change is lost.
 *
 * - The first delivery after the window takes it (xero_tenants.webhook_sync_at = now(), compared
 *   with the database's clock) and starts a sync of the announced entities at once.
 * - A delivery inside the window only records that a sync is due at the window's end
 *   (webhook_sync_due_at). The scheduler's short tick runs due syncs (runDueWebhookSyncs), of
 *   every entity Xero announces (the due time does not say which of them changed; the others are
 *   never announced, and their schedule polls them).
 * - The due time is cleared only when a sync of every announced entity takes the tenant's lease
 *   (acquireSyncLease): that sync started after the changes, so it covers them. A process that
 *   dies after claiming a due sync leaves it due, and the next tick after the window claims it again.
 */
import { and, eq, isNotNull, isNull, lt, lte, or, sql } from "drizzle-orm";
import type { Db } from "@/lib/db";
import { xeroConnections, xeroTenants } from "@/lib/db/schema";
import type { SyncEntity } from "@/lib/entities/registry";
import { logServerError } from "@/lib/log";
import { enabledEntityNames } from "@/lib/entities/enabled";
import { announcedEntities } from "./engine";
import { requestSync, type RequestSyncResult } from "./service";

/** How often the scheduler looks for due webhook syncs (one small query on xero_tenants). */
export const DUE_WEBHOOK_SYNC_TICK_MS = 15_000;

export type WebhookSyncOutcome =
  | { sync: "started"; syncSessionId: string }
  /** This process runs its limit of background syncs: it starts when a slot frees up. */
  | { sync: "queued" }
  /** A sync was already running: one more runs when it ends (and the due time backs that up). */
  | { sync: "follow_up"; syncSessionId: string | null; syncDueAt: Date | null }
  /** Inside the window: a sync of every entity runs when the window ends. */
  | { sync: "coalesced"; syncDueAt: Date }
  | { sync: "skipped"; skippedReason: string; syncDueAt: Date | null };

const windowPassed = (windowSeconds: number) =>
  sql`(${xeroTenants.webhookSyncAt} is null or ${xeroTenants.webhookSyncAt} <= now() - ${windowSeconds} * interval '1 second')`;

/** Takes the tenant's webhook window if it has passed; true when this caller may start a sync now. */
export async function takeWebhookSyncWindow(db: Db, tenantId: string, windowSeconds: number): Promise<boolean> {
  const rows = await db
    .update(xeroTenants)
    .set({ webhookSyncAt: sql`now()` })
    .where(and(eq(xeroTenants.id, tenantId), windowPassed(windowSeconds)))
    .returning({ id: xeroTenants.id });
  return rows.length > 0;
}

/** Records that a sync of the tenant is due when its window ends (keeps an earlier due time). */
export async function markWebhookSyncDue(db: Db, tenantId: string, windowSeconds: number): Promise<Date | null> {
  const [row] = await db
    .update(xeroTenants)
    .set({
      webhookSyncDueAt: sql`coalesce(${xeroTenants.webhookSyncDueAt}, greatest(now(), coalesce(${xeroTenants.webhookSyncAt}, now()) + ${windowSeconds} * interval '1 second'))`,
    })
    .where(eq(xeroTenants.id, tenantId))
    .returning({ dueAt: xeroTenants.webhookSyncDueAt });
  return row?.dueAt ?? null;
}

/**
 * Starts the sync of a delivery that took the tenant's window (takeWebhookSyncWindow), of the
 * announced entities. Never throws: a sync that cannot start now is left due.
 */
export async function startWebhookSync(
  db: Db,
  input: { userId: string; tenantId: string; entities: readonly SyncEntity[] },
  windowSeconds: number,
): Promise<WebhookSyncOutcome> {
  let result: RequestSyncResult;
  try {
    result = await requestSync(db, { userId: input.userId, tenantId: input.tenantId, entities: input.entities, trigger: "webhook", followUpIfRunning: true });
  } catch (error) {
    logServerError(`webhooks: sync of tenant ${input.tenantId}`, error);
    return { sync: "skipped", skippedReason: "internal", syncDueAt: await markWebhookSyncDue(db, input.tenantId, windowSeconds) };
  }
  return afterRequest(db, input.tenantId, result, windowSeconds);
}

async function afterRequest(db: Db, tenantId: string, result: RequestSyncResult, windowSeconds: number): Promise<WebhookSyncOutcome> {
  if (result.status === "started") return { sync: "started", syncSessionId: result.sessionId };
  if (result.status === "queued") return { sync: "queued" };
  if (result.status === "already_running") {
    return { sync: "follow_up", syncSessionId: result.sessionId, syncDueAt: await markWebhookSyncDue(db, tenantId, windowSeconds) };
  }
  // Rate limited: due, and run once the limit lifts. Disconnected or needing a reconnect: the sync
  // after reconnecting covers it.
  const due = result.reason === "rate_limited" ? await markWebhookSyncDue(db, tenantId, windowSeconds) : null;
  return { sync: "skipped", skippedReason: result.reason, syncDueAt: due };
}

/**
 * Starts the webhook syncs that are due (their window has ended) for tenants that can sync, each
 * claimed by taking its window again so that other processes running this at the same time skip
 * it. Syncs every entity, in the background like a webhook's own sync.
 */
export async function runDueWebhookSyncs(db: Db, windowSeconds: number): Promise<{ tenantId: string; outcome: WebhookSyncOutcome }[]> {
  const due = await db
    .select({ id: xeroTenants.id, userId: xeroTenants.userId })
    .from(xeroTenants)
    .innerJoin(xeroConnections, eq(xeroConnections.id, xeroTenants.connectionId))
    .where(
      and(
        isNotNull(xeroTenants.webhookSyncDueAt),
        lte(xeroTenants.webhookSyncDueAt, sql`now()`),
        eq(xeroTenants.status, "active"),
        eq(xeroConnections.status, "active"),
        or(isNull(xeroTenants.rateLimitedUntil), lt(xeroTenants.rateLimitedUntil, sql`now()`)),
      ),
    )
    .orderBy(xeroTenants.webhookSyncDueAt);
  const out: { tenantId: string; outcome: WebhookSyncOutcome }[] = [];
  for (const t of due) {
    const [claimed] = await db
      .update(xeroTenants)
      .set({ webhookSyncAt: sql`now()` })
      .where(and(eq(xeroTenants.id, t.id), lte(xeroTenants.webhookSyncDueAt, sql`now()`), windowPassed(windowSeconds)))
      .returning({ id: xeroTenants.id });
    if (!claimed) continue;
    try {
      const result = await requestSync(db, { userId: t.userId, tenantId: t.id, entities: announcedEntities(enabledEntityNames()), trigger: "webhook", followUpIfRunning: true });
      out.push({ tenantId: t.id, outcome: await afterRequest(db, t.id, result, windowSeconds) });
    } catch (error) {
      logServerError(`webhooks: due sync of tenant ${t.id}`, error);
    }
  }
  return out;
}
