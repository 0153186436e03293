import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { and, eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import { logServerError } from "@/lib/log";
import { readBodyWithLimit } from "@/lib/http/read-body";
import type { Db } from "@/lib/db";
import { finishXeroSession, logXeroSession } from "@/lib/db/queries/xero-sessions";
import { xeroSessions, xeroTenants, xeroWebhookDeliveries } from "@/lib/db/schema";
import { isEnabledEntity } from "@/lib/entities/enabled";
import { ENTITIES, type SyncEntity } from "@/lib/entities/registry";
import { markWebhookSyncDue, startWebhookSync, takeWebhookSyncWindow, type WebhookSyncOutcome } from "@/lib/sync/webhook-syncs";

/**
 * Xero webhooks, as Xero documents them:
 * `x-xero-signature` is base64(HMAC-SHA256(raw body, webhook key)). Xero wants 200 with an empty
 * body within 5 seconds when the signature matches and 401 when it does not; its intent-to-receive
 * check sends one of each before it delivers anything. So the receiver only verifies and hands the
 * work on: the syncs themselves run in the background through the sync engine, debounced.
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

/** Webhook eventCategory → the entity it announces changes of (from the entity definitions). */
const CATEGORY_ENTITY: Record<string, SyncEntity> = Object.fromEntries(ENTITIES.flatMap((e) => (e.xero.webhookCategory ? [[e.xero.webhookCategory, e.name]] : [])));

export interface WebhookSyncRequest {
  userId: string;
  connectionId: string;
  /** xero_tenants.id */
  tenantId: string;
  tenantName: string;
  entities: SyncEntity[];
  /** Events of this delivery about this organisation, in categories we mirror. */
  events: number;
}

/**
 * Turns a verified payload into the syncs it calls for: for every active tenant row (of any user)
 * that mirrors an organisation named in the events, the entities whose records changed. Events of
 * categories we do not mirror (no entity, or one XERO_SYNC_ENTITIES leaves out) are ignored.
 */
export async function planWebhookSyncs(db: Db, payload: WebhookPayload): Promise<WebhookSyncRequest[]> {
  const byOrg = new Map<string, { entities: Set<SyncEntity>; events: number }>();
  for (const event of payload.events) {
    const entity = CATEGORY_ENTITY[event.eventCategory];
    if (!entity || !isEnabledEntity(entity)) continue;
    const org = byOrg.get(event.tenantId) ?? { entities: new Set<SyncEntity>(), events: 0 };
    org.entities.add(entity);
    org.events++;
    byOrg.set(event.tenantId, org);
  }
  if (byOrg.size === 0) return [];
  const rows = await db
    .select({ id: xeroTenants.id, userId: xeroTenants.userId, connectionId: xeroTenants.connectionId, xeroTenantId: xeroTenants.xeroTenantId, name: xeroTenants.name })
    .from(xeroTenants)
    .where(and(inArray(xeroTenants.xeroTenantId, [...byOrg.keys()]), eq(xeroTenants.status, "active")))
    .orderBy(xeroTenants.createdAt);
  return rows.map((row) => {
    const org = byOrg.get(row.xeroTenantId)!;
    return { userId: row.userId, connectionId: row.connectionId, tenantId: row.id, tenantName: row.name, entities: [...org.entities].sort(), events: org.events };
  });
}

// ───────────────────────── receiving a delivery ─────────────────────────

/** Xero's deliveries are small batches of events; anything bigger is refused unread. */
export const WEBHOOK_MAX_BODY_BYTES = 1_000_000;

export type WebhookRejection = "too_large" | "bad_signature" | "malformed";

const REJECTION: Record<WebhookRejection, { status: 413 | 401 | 400; error: string }> = {
  too_large: { status: 413, error: "Rejected: the body is larger than 1 MB." },
  bad_signature: { status: 401, error: "Rejected: the x-xero-signature header is missing or does not match the body." },
  malformed: { status: 400, error: "Rejected: a signed body that is not a Xero webhook payload." },
};

export type WebhookReceipt =
  | { status: 413 | 401 | 400; outcome: "rejected"; reason: WebhookRejection }
  | { status: 200; outcome: "repeat" | "intent_to_receive" | "accepted"; syncs: ({ tenantId: string } & WebhookSyncOutcome)[] };

export interface ReceiveWebhookOptions {
  key: string;
  /** WEBHOOK_SYNC_DEBOUNCE_SECONDS */
  debounceSeconds: number;
}

/**
 * Receives one delivery, as POST /api/xero/webhooks does: reads at most WEBHOOK_MAX_BODY_BYTES,
 * verifies the signature over the exact bytes, drops a repeat of a delivery already taken (by the
 * body's SHA-256, kept 24 hours in xero_webhook_deliveries), and asks for the syncs, debounced
 * per tenant (lib/sync/webhook-syncs.ts). Every delivery is logged as a `webhook` xero_sessions
 * row: one per tenant row it concerns, or one without a user when it concerns none of them (or is
 * rejected: then nothing in it can be trusted). Never logs the signature or the key.
 */
export async function receiveXeroWebhook(db: Db, request: Request, options: ReceiveWebhookOptions): Promise<WebhookReceipt> {
  const body = await readBodyWithLimit(request, WEBHOOK_MAX_BODY_BYTES);
  if (!body.ok) return reject(db, "too_large");
  // The HMAC is over the exact bytes Xero sent: verify before decoding anything.
  if (!verifyWebhookSignature(body.bytes, request.headers.get("x-xero-signature"), options.key)) return reject(db, "bad_signature");
  let payload: WebhookPayload;
  try {
    payload = webhookPayloadSchema.parse(JSON.parse(body.bytes.toString("utf8")));
  } catch {
    return reject(db, "malformed");
  }

  const digest = createHash("sha256").update(body.bytes).digest("hex");
  const window = options.debounceSeconds;
  const taken = await db.transaction(async (tx) => {
    const [fresh] = await tx.insert(xeroWebhookDeliveries).values({ digest }).onConflictDoNothing().returning({ digest: xeroWebhookDeliveries.digest });
    if (!fresh) {
      await tx
        .update(xeroSessions)
        .set({ detail: sql`coalesce(${xeroSessions.detail}, '{}'::jsonb) || jsonb_build_object('repeats', coalesce((${xeroSessions.detail}->>'repeats')::int, 0) + 1, 'lastRepeatAt', now())` })
        .where(sql`${xeroSessions.id} in (select unnest(${xeroWebhookDeliveries.sessionIds}) from ${xeroWebhookDeliveries} where ${xeroWebhookDeliveries.digest} = ${digest})`);
      return null;
    }
    const plans = payload.events.length ? await planWebhookSyncs(tx, payload) : [];
    const decided: { plan: WebhookSyncRequest; sessionId: string; windowTaken: boolean; syncDueAt: Date | null }[] = [];
    const sessionIds: string[] = [];
    for (const plan of plans) {
      const windowTaken = await takeWebhookSyncWindow(tx, plan.tenantId, window);
      const syncDueAt = windowTaken ? null : await markWebhookSyncDue(tx, plan.tenantId, window);
      const row = await logXeroSession(tx, {
        userId: plan.userId,
        connectionId: plan.connectionId,
        tenantId: plan.tenantId,
        kind: "webhook",
        entity: plan.entities.join(","),
        trigger: "webhook",
        outcome: "success",
        detail: {
          delivery: "accepted",
          events: plan.events,
          entities: plan.entities,
          tenantName: plan.tenantName,
          ...(windowTaken ? { sync: "starting" } : { sync: "coalesced", syncDueAt: syncDueAt?.toISOString() ?? null }),
        },
      });
      sessionIds.push(row.id);
      decided.push({ plan, sessionId: row.id, windowTaken, syncDueAt });
    }
    if (plans.length === 0) {
      const row = await logXeroSession(tx, {
        kind: "webhook",
        trigger: "webhook",
        outcome: "success",
        detail: payload.events.length
          ? { delivery: "accepted", events: payload.events.length, unmirrored: true }
          : { delivery: "intent_to_receive", events: 0 },
      });
      sessionIds.push(row.id);
    }
    await tx.update(xeroWebhookDeliveries).set({ sessionIds }).where(eq(xeroWebhookDeliveries.digest, digest));
    return decided;
  });
  if (!taken) return { status: 200, outcome: "repeat", syncs: [] };

  const syncs: ({ tenantId: string } & WebhookSyncOutcome)[] = [];
  for (const d of taken) {
    if (!d.windowTaken) {
      syncs.push({ tenantId: d.plan.tenantId, sync: "coalesced", syncDueAt: d.syncDueAt ?? new Date() });
      continue;
    }
    const outcome = await startWebhookSync(db, d.plan, window);
    syncs.push({ tenantId: d.plan.tenantId, ...outcome });
    await finishXeroSession(db, d.sessionId, "success", { detail: outcomeDetail(outcome) }).catch((error: unknown) =>
      logServerError("webhooks: logging the delivery", error),
    );
  }
  return { status: 200, outcome: payload.events.length ? "accepted" : "intent_to_receive", syncs };
}

/** The answer Xero gets: an empty body; a refused body is left unread, so the connection is closed. */
export function webhookResponse(receipt: WebhookReceipt): Response {
  const headers: Record<string, string> = { "cache-control": "no-store", ...(receipt.status === 413 ? { connection: "close" } : {}) };
  return new Response(null, { status: receipt.status, headers });
}

function outcomeDetail(o: WebhookSyncOutcome): Record<string, unknown> {
  const out: Record<string, unknown> = { sync: o.sync };
  if ("syncSessionId" in o) out.syncSessionId = o.syncSessionId;
  if ("syncDueAt" in o) out.syncDueAt = o.syncDueAt?.toISOString() ?? null;
  if ("skippedReason" in o) out.skippedReason = o.skippedReason;
  return out;
}

/**
 * Logs a refused delivery without a user (nothing in an unverified body can be trusted to say
 * whose it is). Refusals of one kind within a minute share one row that counts them, so a flood
 * of junk cannot grow the log by a row a request.
 */
async function reject(db: Db, reason: WebhookRejection): Promise<WebhookReceipt> {
  const { status, error } = REJECTION[reason];
  try {
    const counted = await db
      .update(xeroSessions)
      .set({
        finishedAt: sql`now()`,
        detail: sql`${xeroSessions.detail} || jsonb_build_object('deliveries', coalesce((${xeroSessions.detail}->>'deliveries')::int, 1) + 1)`,
      })
      .where(
        sql`${xeroSessions.id} = (select ${xeroSessions.id} from ${xeroSessions} where ${xeroSessions.userId} is null and ${xeroSessions.kind} = 'webhook'
          and ${xeroSessions.outcome} = 'error' and ${xeroSessions.detail}->>'reason' = ${reason} and ${xeroSessions.startedAt} > now() - interval '1 minute'
          order by ${xeroSessions.startedAt} desc limit 1)`,
      )
      .returning({ id: xeroSessions.id });
    if (counted.length === 0) {
      await logXeroSession(db, { kind: "webhook", trigger: "webhook", outcome: "error", error, detail: { delivery: "rejected", reason, deliveries: 1 } });
    }
  } catch (e) {
    logServerError("webhooks: logging a refused delivery", e);
  }
  return { status, outcome: "rejected", reason };
}

/** Forgets deliveries older than 24 hours (a repeat after that is taken again, and debounced). */
export async function pruneWebhookDeliveries(db: Db): Promise<number> {
  const rows = await db
    .delete(xeroWebhookDeliveries)
    .where(sql`${xeroWebhookDeliveries.receivedAt} < now() - interval '24 hours'`)
    .returning({ digest: xeroWebhookDeliveries.digest });
  return rows.length;
}
