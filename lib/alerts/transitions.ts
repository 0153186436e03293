/**
 * Alert transitions: an evaluation computes a user's alerts now, compares them with the ones open
 * at the last evaluation (open_alerts) and reports each change once: an alert that appeared is
 * inserted (opened), one that is gone is deleted (resolved). Both are conditional writes on the
 * row's primary key, so when several processes evaluate at once exactly one of them makes each
 * change, and only that one writes its webhook delivery, in the same transaction.
 */
import { and, eq, sql } from "drizzle-orm";
import { queryRows, type Db } from "@/lib/db";
import { alertWebhooks, openAlerts } from "@/lib/db/schema";
import { getEnv } from "@/lib/env";
import { computeAlerts, type AlertOptions } from "./conditions";
import { enqueueDelivery } from "./delivery";
import { webhookAlert, type WebhookAlert } from "./payload";

export interface EvaluateOptions extends AlertOptions {
  /** Absolute links in deliveries; default NEXTAUTH_URL. */
  baseUrl?: string;
}

export interface Evaluation {
  /** Keys this evaluation opened / resolved (not those another evaluation got to first). */
  opened: string[];
  resolved: string[];
}

export async function evaluateAlerts(db: Db, userId: string, options: EvaluateOptions = {}): Promise<Evaluation> {
  const now = options.now ?? new Date();
  const baseUrl = options.baseUrl ?? getEnv().NEXTAUTH_URL;
  const [current, open, [hook]] = await Promise.all([
    computeAlerts(db, userId, { ...options, now }),
    db.select({ key: openAlerts.key }).from(openAlerts).where(eq(openAlerts.userId, userId)),
    db.select({ kinds: alertWebhooks.kinds }).from(alertWebhooks).where(eq(alertWebhooks.userId, userId)),
  ]);
  const sends = (kind: string) => Boolean(hook?.kinds.includes(kind));
  const openKeys = new Set(open.map((o) => o.key));
  const currentKeys = new Set(current.map((a) => a.key));
  const result: Evaluation = { opened: [], resolved: [] };

  for (const alert of current) {
    if (openKeys.has(alert.key)) continue;
    const payload = webhookAlert(alert, baseUrl);
    const opened = await db.transaction(async (tx) => {
      const inserted = await tx
        .insert(openAlerts)
        .values({ userId, key: alert.key, kind: alert.kind, openedAt: now, alert: payload as unknown as Record<string, unknown> })
        .onConflictDoNothing()
        .returning({ key: openAlerts.key });
      if (!inserted.length) return false;
      if (sends(alert.kind)) await enqueueDelivery(tx, userId, { type: "alert.opened", alert: payload, occurredAt: now });
      return true;
    });
    if (opened) result.opened.push(alert.key);
  }

  for (const { key } of open) {
    if (currentKeys.has(key)) continue;
    const resolved = await db.transaction(async (tx) => {
      const [gone] = await tx
        .delete(openAlerts)
        .where(and(eq(openAlerts.userId, userId), eq(openAlerts.key, key)))
        .returning({ kind: openAlerts.kind, alert: openAlerts.alert });
      if (!gone) return false;
      if (sends(gone.kind)) await enqueueDelivery(tx, userId, { type: "alert.resolved", alert: gone.alert as unknown as WebhookAlert, occurredAt: now });
      return true;
    });
    if (resolved) result.resolved.push(key);
  }
  return result;
}

/** Every user who has an organisation or an open alert (one that may now resolve). */
export async function listUsersToEvaluate(db: Db): Promise<string[]> {
  const rows = await queryRows<{ user_id: string }>(db, sql`select user_id from xero_tenants union select user_id from open_alerts`);
  return rows.map((r) => r.user_id);
}
