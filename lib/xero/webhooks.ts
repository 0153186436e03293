import { createHmac, timingSafeEqual } from "node:crypto";
import { and, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/lib/db";
import { logXeroSession } from "@/lib/db/queries/xero-sessions";
import { xeroTenants, type SyncEntity } from "@/lib/db/schema";

/**
 * Xero webhooks (xero-webhooks.yaml; ../shared/xero-openapi/README.md):
 * `x-xero-signature` is base64(HMAC-SHA256(raw body, webhook key)). Xero wants 200 with an empty
 * body within 5 seconds when the signature matches and 401 when it does not; its intent-to-receive
 * check sends one of each before it delivers anything. So the receiver only verifies and hands the
 * work on: the syncs themselves run in the background through the sync engine.
 */

/** Constant-time check of Xero's signature over the exact bytes received. */
export function verifyWebhookSignature(rawBody: Buffer | string, signature: string | null, key: string): boolean {
  if (!signature) return false;
  const expected = createHmac("sha256", key).update(typeof rawBody === "string" ? Buffer.from(rawBody, "utf8") : rawBody).digest();
  let given: Buffer;
  try {
    given = Buffer.from(signature, "base64");
  } catch {
    return false;
  }
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const eventSchema = z.object({
  resourceUrl: z.string().optional(),
  resourceId: z.string(),
  eventDateUtc: z.string().optional(),
  eventType: z.string(),
  eventCategory: z.string(),
  tenantId: z.string(),
  tenantType: z.string().optional(),
});

export const webhookPayloadSchema = z.object({
  events: z.array(eventSchema),
  firstEventSequence: z.number().optional(),
  lastEventSequence: z.number().optional(),
  entropy: z.string().optional(),
});

export type WebhookPayload = z.infer<typeof webhookPayloadSchema>;

const CATEGORY_ENTITY: Record<string, SyncEntity> = { INVOICE: "invoices", CONTACT: "contacts" };

export interface WebhookSyncRequest {
  userId: string;
  tenantId: string;
  entities: SyncEntity[];
}

/**
 * Turns a verified payload into the syncs it calls for: for every active tenant row (of any user)
 * that mirrors an organisation named in the events, the entities whose records changed. Logs one
 * `webhook` session per tenant row. Events of categories we do not mirror are ignored.
 */
export async function planWebhookSyncs(db: Db, payload: WebhookPayload): Promise<WebhookSyncRequest[]> {
  const byOrg = new Map<string, Set<SyncEntity>>();
  for (const event of payload.events) {
    const entity = CATEGORY_ENTITY[event.eventCategory];
    if (!entity) continue;
    const set = byOrg.get(event.tenantId) ?? new Set<SyncEntity>();
    set.add(entity);
    byOrg.set(event.tenantId, set);
  }
  if (byOrg.size === 0) return [];
  const rows = await db
    .select({ id: xeroTenants.id, userId: xeroTenants.userId, connectionId: xeroTenants.connectionId, xeroTenantId: xeroTenants.xeroTenantId })
    .from(xeroTenants)
    .where(and(inArray(xeroTenants.xeroTenantId, [...byOrg.keys()]), eq(xeroTenants.status, "active")));
  const plans: WebhookSyncRequest[] = [];
  for (const row of rows) {
    const entities = [...(byOrg.get(row.xeroTenantId) ?? [])].sort();
    const count = payload.events.filter((e) => e.tenantId === row.xeroTenantId && CATEGORY_ENTITY[e.eventCategory]).length;
    await logXeroSession(db, {
      userId: row.userId,
      connectionId: row.connectionId,
      tenantId: row.id,
      kind: "webhook",
      trigger: "webhook",
      outcome: "success",
      detail: { events: count, entities },
    });
    plans.push({ userId: row.userId, tenantId: row.id, entities });
  }
  return plans;
}
