/**
 * When alerts are evaluated: after every sync (the engine calls alertsAfterSync as its run ends,
 * whoever started it: Sync now, the schedule, a webhook, a pg-boss job) and on the housekeeping
 * tick of the app (PGlite) or the sync workers (PostgreSQL), which also retries deliveries that
 * are due and resolves what changed without a sync (a reconnect, the day turning).
 */
import type { Db } from "@/lib/db";
import { logServerError } from "@/lib/log";
import { deliverDue } from "./delivery";
import { evaluateAlerts, listUsersToEvaluate } from "./transitions";

const queued = new Set<string>();

/**
 * Evaluates the user's alerts and sends what that opened or resolved, after the caller's turn:
 * never inside a sync's path, so a slow or failing receiver cannot slow or fail the sync. Several
 * syncs of one user ending together make one evaluation. Never throws.
 */
export function alertsAfterSync(db: Db, userId: string): void {
  if (queued.has(userId)) return;
  queued.add(userId);
  const p: Promise<void> = new Promise<void>((r) => setImmediate(r))
    .then(() => {
      queued.delete(userId);
      return evaluateAlerts(db, userId);
    })
    .then(() => deliverDue(db, { userId }))
    .then(() => undefined)
    .catch((error: unknown) => logServerError(`alerts after sync (user ${userId})`, error))
    .finally(() => pending.delete(p));
  pending.add(p);
}

const pending = new Set<Promise<void>>();

/** Resolves once every evaluation alertsAfterSync started has ended (shutdown, tests between cases). */
export async function alertsAfterSyncSettled(): Promise<void> {
  while (pending.size) await Promise.allSettled([...pending]);
}

/** The tick: every user's alerts, then every due delivery. */
export async function runAlertsTick(db: Db): Promise<void> {
  for (const userId of await listUsersToEvaluate(db)) {
    await evaluateAlerts(db, userId).catch((error: unknown) => logServerError(`alerts evaluation (user ${userId})`, error));
  }
  await deliverDue(db);
}
