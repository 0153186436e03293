/**
 * Sending webhook deliveries. Deliveries are rows written with the alert transition that
 * causes them (an outbox), so a receiver that is down, slow or failing never holds up a sync or
 * an evaluation: senders claim due rows (FOR UPDATE SKIP LOCKED, so two processes never send
 * one row at once), POST them with a time limit, and record each attempt; a failure is retried
 * with backoff until MAX_ATTEMPTS, then marked failed. Each row's body is fixed when it is
 * written, so every attempt sends the same bytes; the signature is made per attempt (its time).
 */
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { and, eq, inArray, lt, sql } from "drizzle-orm";
import { queryRows, type Db } from "@/lib/db";
import { alertDeliveries, type AlertDelivery } from "@/lib/db/schema";
import { getEnv } from "@/lib/env";
import { logServerError } from "@/lib/log";
import { AppError } from "@/lib/errors";
import { testAlert, webhookBody, type WebhookAlert, type WebhookEventType } from "./payload";
import { SIGNATURE_HEADER, signatureHeader } from "./signature";
import { mayConnectTo } from "./url-safety";
import { webhookTarget } from "./webhook";

export const DELIVERY_TIMEOUT_MS = 5_000;
export const MAX_ATTEMPTS = 6;
/** 30 s, 2 min, 8 min, 32 min, ~2 h between the attempts. */
export const defaultBackoffMs = (attempts: number) => 30_000 * 4 ** Math.max(0, attempts - 1);
/** A sender that dies mid-send lets its rows go after this. */
const CLAIM_MS = 60_000;
const BATCH = 20;
/** The most of a receiver's answer read (its body is never stored). */
const MAX_RESPONSE_BYTES = 64 * 1024;

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

/** Writes a delivery (in the caller's transaction, beside the transition it reports). */
export async function enqueueDelivery(
  db: Db | Tx,
  userId: string,
  event: { type: WebhookEventType; alert: WebhookAlert; occurredAt: Date },
): Promise<string> {
  const id = crypto.randomUUID();
  const body = webhookBody({ id, type: event.type, alert: event.alert, occurredAt: event.occurredAt.toISOString() });
  await db.insert(alertDeliveries).values({ id, userId, type: event.type, alertKey: event.alert.key, body, nextAttemptAt: event.occurredAt });
  return id;
}

export interface DeliverOptions {
  now?: Date;
  /** Only this user's deliveries (after an evaluation of theirs), or only one delivery ("Send test"). */
  userId?: string;
  deliveryId?: string;
  /** Wait after the n-th failed attempt; default defaultBackoffMs. */
  backoffMs?: (attempts: number) => number;
  timeoutMs?: number;
  /** Loopback receivers are allowed (the demo); default: demo mode. */
  allowLocal?: boolean;
}

export interface AttemptResult {
  ok: boolean;
  status: number | null;
  error: string | null;
}

/** Sends every due delivery (of `userId`, or one), up to BATCH, each at most once; returns how many were delivered and how many failed this time. */
export async function deliverDue(db: Db, options: DeliverOptions = {}): Promise<{ delivered: number; failed: number }> {
  const now = options.now ?? new Date();
  const startedAt = new Date();
  let delivered = 0;
  let failed = 0;
  // One row claimed at a time, so a claim never outlives CLAIM_MS while earlier rows are being sent.
  for (let sent = 0; sent < BATCH; sent++) {
    const [claimed] = await queryRows<{ id: string }>(
      db,
      sql`update alert_deliveries set claimed_until = ${new Date(Date.now() + CLAIM_MS).toISOString()}::timestamptz
          where id = (
            select d.id from alert_deliveries d
            where d.status = 'pending' and d.next_attempt_at <= ${now.toISOString()}::timestamptz
              and (d.claimed_until is null or d.claimed_until < ${new Date().toISOString()}::timestamptz)
              -- each row once per call, however short its backoff
              and (d.last_attempt_at is null or d.last_attempt_at < ${startedAt.toISOString()}::timestamptz)
              ${options.userId ? sql`and d.user_id = ${options.userId}` : sql``}
              ${options.deliveryId ? sql`and d.id = ${options.deliveryId}::uuid` : sql``}
            order by d.next_attempt_at
            limit 1
            for update skip locked)
          returning id::text as id`,
    );
    if (!claimed) break;
    const { id } = claimed;
    const [row] = await db.select().from(alertDeliveries).where(eq(alertDeliveries.id, id));
    if (!row) continue;
    const result = await attempt(db, row, options).catch((error: unknown): AttemptResult => {
      logServerError(`alert delivery ${id}`, error);
      return { ok: false, status: null, error: "The delivery could not be prepared (see the server log)." };
    });
    const attempts = row.attempts + 1;
    const done = result.ok || attempts >= MAX_ATTEMPTS;
    const finishedAt = new Date();
    await db
      .update(alertDeliveries)
      .set({
        attempts,
        status: result.ok ? "delivered" : done ? "failed" : "pending",
        responseStatus: result.status,
        lastError: result.error,
        lastAttemptAt: finishedAt,
        claimedUntil: null,
        deliveredAt: result.ok ? finishedAt : null,
        nextAttemptAt: done ? row.nextAttemptAt : new Date(now.getTime() + (options.backoffMs ?? defaultBackoffMs)(attempts)),
      })
      .where(eq(alertDeliveries.id, id));
    if (result.ok) delivered++;
    else failed++;
  }
  return { delivered, failed };
}

async function attempt(db: Db, row: AlertDelivery, options: DeliverOptions): Promise<AttemptResult> {
  const target = await webhookTarget(db, row.userId);
  if (!target) return { ok: false, status: null, error: "The webhook was removed." };
  const signature = signatureHeader(target.secret, row.body, Math.floor(Date.now() / 1000));
  return post(target.url, row.body, {
    headers: { [SIGNATURE_HEADER]: signature, "X-Xero-Sync-Delivery": row.id },
    timeoutMs: options.timeoutMs ?? DELIVERY_TIMEOUT_MS,
    allowLocal: options.allowLocal ?? getEnv().demo,
  });
}

/** Resolves the receiver's name the usual way, then refuses addresses a webhook must not reach. */
function guardedLookup(allowLocal: boolean): LookupFunction {
  return (hostname, lookupOptions, callback) => {
    dnsLookup(hostname, { ...lookupOptions, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, "", 4);
      const allowed = addresses.filter((a) => mayConnectTo(a.address, allowLocal));
      if (!allowed.length) {
        const refused = Object.assign(new Error("refused address"), { code: "EREFUSEDADDRESS" });
        return callback(refused, "", 4);
      }
      if (lookupOptions.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, allowed);
      callback(null, allowed[0]!.address, allowed[0]!.family);
    });
  };
}

/** One POST; never throws for the receiver's failures (they are the result, in our words). */
function post(url: string, body: string, options: { headers: Record<string, string>; timeoutMs: number; allowLocal: boolean }): Promise<AttemptResult> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (r: AttemptResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    const target = new URL(url);
    const client = target.protocol === "https:" ? https : http;
    const request = client.request(
      target,
      {
        method: "POST",
        lookup: guardedLookup(options.allowLocal),
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), "user-agent": "Xero-Sync-Webhook/1", ...options.headers },
      },
      (response) => {
        const status = response.statusCode ?? 0;
        let read = 0;
        response.on("data", (chunk: Buffer) => {
          read += chunk.length;
          if (read > MAX_RESPONSE_BYTES) response.destroy();
        });
        const done = () =>
          finish(status >= 200 && status < 300 ? { ok: true, status, error: null } : { ok: false, status, error: `The receiver answered ${status}.` });
        response.on("end", done);
        response.on("close", done);
        response.on("error", done);
      },
    );
    const timer = setTimeout(() => {
      finish({ ok: false, status: null, error: `No answer within ${Math.round(options.timeoutMs / 1000)} s.` });
      request.destroy();
    }, options.timeoutMs);
    request.on("error", (error: NodeJS.ErrnoException) => finish({ ok: false, status: null, error: describeNetworkError(error) }));
    request.end(body);
  });
}

function describeNetworkError(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case "EREFUSEDADDRESS":
      return "The receiver's name resolves to a private, loopback or link-local address, which deliveries do not go to.";
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return "The receiver's host name does not resolve.";
    case "ECONNREFUSED":
      return "The receiver refused the connection.";
    case "ECONNRESET":
      return "The receiver closed the connection.";
    default:
      return error.code?.startsWith("ERR_TLS") || error.code?.includes("CERT") ? "The receiver's TLS certificate was not accepted." : "The delivery could not reach the receiver.";
  }
}

/** "Send test": writes a test delivery and sends it now; its outcome (or its retry) is on the settings page. */
export async function sendTestDelivery(db: Db, userId: string, options: DeliverOptions & { baseUrl?: string } = {}): Promise<AlertDelivery> {
  const target = await webhookTarget(db, userId);
  if (!target) throw new AppError("not_found", "Save a webhook URL first.");
  const now = options.now ?? new Date();
  const id = await enqueueDelivery(db, userId, { type: "test", alert: testAlert(options.baseUrl ?? getEnv().NEXTAUTH_URL), occurredAt: now });
  await deliverDue(db, { ...options, now, userId, deliveryId: id });
  const [row] = await db.select().from(alertDeliveries).where(eq(alertDeliveries.id, id));
  return row!;
}

/** Deliveries are kept this long once finished (delivered or failed), then pruned by the hourly upkeep. */
export const DELIVERY_RETENTION_DAYS = 30;

export async function pruneAlertDeliveries(db: Db, now = new Date()): Promise<number> {
  const before = new Date(now.getTime() - DELIVERY_RETENTION_DAYS * 86_400_000);
  const removed = await db
    .delete(alertDeliveries)
    .where(and(inArray(alertDeliveries.status, ["delivered", "failed"]), lt(alertDeliveries.createdAt, before)))
    .returning({ id: alertDeliveries.id });
  return removed.length;
}
