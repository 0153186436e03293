/**
 * A user's outgoing alert webhook: its URL, the kinds it sends and its signing secret. The
 * secret is generated here, returned once (when the webhook is created or the secret rotated)
 * and otherwise only stored, encrypted and bound to its user.
 */
import { desc, eq } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/lib/db";
import { alertDeliveries, alertWebhooks, type AlertDelivery } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { decryptSecret, encryptSecret } from "@/lib/xero/token-crypto";
import { ALERT_KINDS, type AlertKind } from "./kinds";
import { newSigningSecret } from "./signature";
import { webhookUrlSchema } from "./url-safety";

const PURPOSE = "alert_webhook_secret";

/** The settings form: the URL and the kinds (checkboxes: one value or several). */
export function webhookSettingsSchema(allowLocal: boolean) {
  return z.object({
    url: webhookUrlSchema(allowLocal),
    kinds: z.preprocess(
      (v) => (v === undefined || v === null || v === "" ? [] : Array.isArray(v) ? v : [v]),
      z.array(z.enum(ALERT_KINDS, { error: "Unknown kind of alert." })).min(1, "Pick at least one kind of alert to send."),
    ),
  });
}
export type WebhookSettingsInput = z.output<ReturnType<typeof webhookSettingsSchema>>;

export interface WebhookView {
  url: string;
  kinds: AlertKind[];
  secretCreatedAt: Date;
}

export async function getWebhook(db: Db, userId: string): Promise<WebhookView | null> {
  const [row] = await db
    .select({ url: alertWebhooks.url, kinds: alertWebhooks.kinds, secretCreatedAt: alertWebhooks.secretCreatedAt })
    .from(alertWebhooks)
    .where(eq(alertWebhooks.userId, userId));
  return row ? { ...row, kinds: row.kinds.filter((k): k is AlertKind => (ALERT_KINDS as readonly string[]).includes(k)) } : null;
}

/**
 * Saves the URL and kinds. The first save creates the signing secret and returns it (the only
 * time it is shown); later saves keep it (`secret` null).
 */
export async function saveWebhook(db: Db, userId: string, input: WebhookSettingsInput): Promise<{ secret: string | null }> {
  const secret = newSigningSecret();
  const kinds = [...new Set(input.kinds)];
  const created = await db
    .insert(alertWebhooks)
    .values({ userId, url: input.url, kinds, secretEncrypted: encryptSecret(secret, PURPOSE, userId) })
    .onConflictDoNothing()
    .returning({ userId: alertWebhooks.userId });
  if (created.length) return { secret };
  await db.update(alertWebhooks).set({ url: input.url, kinds, updatedAt: new Date() }).where(eq(alertWebhooks.userId, userId));
  return { secret: null };
}

/** A new signing secret (the old one stops verifying at once), returned once. */
export async function rotateWebhookSecret(db: Db, userId: string): Promise<string> {
  const secret = newSigningSecret();
  const now = new Date();
  const updated = await db
    .update(alertWebhooks)
    .set({ secretEncrypted: encryptSecret(secret, PURPOSE, userId), secretCreatedAt: now, updatedAt: now })
    .where(eq(alertWebhooks.userId, userId))
    .returning({ userId: alertWebhooks.userId });
  if (!updated.length) throw new AppError("not_found", "Save a webhook URL first.");
  return secret;
}

/** Removes the webhook; deliveries still waiting are dropped with it. */
export async function deleteWebhook(db: Db, userId: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const removed = await tx.delete(alertWebhooks).where(eq(alertWebhooks.userId, userId)).returning({ userId: alertWebhooks.userId });
    await tx.delete(alertDeliveries).where(eq(alertDeliveries.userId, userId));
    return removed.length > 0;
  });
}

/** The URL and the secret a delivery signs with (server side only). */
export async function webhookTarget(db: Db, userId: string): Promise<{ url: string; secret: string; kinds: string[] } | null> {
  const [row] = await db.select().from(alertWebhooks).where(eq(alertWebhooks.userId, userId));
  if (!row) return null;
  return { url: row.url, kinds: row.kinds, secret: decryptSecret(row.secretEncrypted, PURPOSE, userId) };
}

export type DeliveryView = Pick<
  AlertDelivery,
  "id" | "type" | "alertKey" | "status" | "attempts" | "responseStatus" | "lastError" | "nextAttemptAt" | "lastAttemptAt" | "createdAt" | "deliveredAt"
> & { title: string | null };

/** The user's latest deliveries, newest first, with the title of the alert each carried. */
export async function listDeliveries(db: Db, userId: string, limit = 20): Promise<DeliveryView[]> {
  const rows = await db.select().from(alertDeliveries).where(eq(alertDeliveries.userId, userId)).orderBy(desc(alertDeliveries.createdAt)).limit(limit);
  return rows.map(({ body, userId: _user, claimedUntil: _claim, ...r }) => {
    let title: string | null = null;
    try {
      title = (JSON.parse(body) as { alert?: { title?: string } }).alert?.title ?? null;
    } catch {
      // an unreadable body shows without its title
    }
    return { ...r, title };
  });
}
