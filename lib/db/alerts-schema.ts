import { index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { users } from "./core-schema";

/**
 * Alerts and the outgoing alert webhook (lib/alerts): each user's webhook settings, the alerts
 * last seen open (so an evaluation knows what opened and what resolved), and the deliveries to
 * the user's receiver with their attempts.
 */
const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/** One user's outgoing webhook: where alerts go, which kinds, and the signing secret (encrypted). */
export const alertWebhooks = pgTable("alert_webhooks", {
  userId: text("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  url: text("url").notNull(),
  /** Alert kinds sent (lib/alerts/kinds.ts); the others only show on /alerts. */
  kinds: text("kinds").array().notNull(),
  /** HMAC key of the signature header, AES-256-GCM encrypted (lib/xero/token-crypto), bound to the user. */
  secretEncrypted: text("secret_encrypted").notNull(),
  secretCreatedAt: ts("secret_created_at").notNull().defaultNow(),
  createdAt: ts("created_at").notNull().defaultNow(),
  updatedAt: ts("updated_at").notNull().defaultNow(),
});

/**
 * The alerts of a user open at the last evaluation. The primary key makes each transition happen
 * once across processes: only the evaluation whose insert (opened) or delete (resolved) touched
 * the row sends its webhook.
 */
export const openAlerts = pgTable(
  "open_alerts",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** Kind and organisation, e.g. `sync_failing:<xero_tenants.id>`. */
    key: text("key").notNull(),
    kind: text("kind").notNull(),
    openedAt: ts("opened_at").notNull().defaultNow(),
    /** The alert as it opened, for the resolved event. */
    alert: jsonb("alert").$type<Record<string, unknown>>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.key] })],
);

export const ALERT_DELIVERY_STATUSES = ["pending", "delivered", "failed"] as const;
export type AlertDeliveryStatus = (typeof ALERT_DELIVERY_STATUSES)[number];

/** Webhook deliveries (an outbox): written with the transition, sent and retried outside any sync. */
export const alertDeliveries = pgTable(
  "alert_deliveries",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** alert.opened, alert.resolved or test. */
    type: text("type").notNull(),
    alertKey: text("alert_key"),
    /** The exact JSON body sent (the same bytes on every attempt). */
    body: text("body").notNull(),
    status: text("status", { enum: ALERT_DELIVERY_STATUSES }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: ts("next_attempt_at").notNull().defaultNow(),
    /** A sender holds the row until then (a process that dies mid-send lets it go). */
    claimedUntil: ts("claimed_until"),
    lastAttemptAt: ts("last_attempt_at"),
    responseStatus: integer("response_status"),
    /** Why the last attempt failed, in our words (never the receiver's body). */
    lastError: text("last_error"),
    createdAt: ts("created_at").notNull().defaultNow(),
    deliveredAt: ts("delivered_at"),
  },
  (t) => [index("alert_deliveries_due_idx").on(t.status, t.nextAttemptAt), index("alert_deliveries_user_idx").on(t.userId, t.createdAt.desc())],
);

export type AlertWebhook = typeof alertWebhooks.$inferSelect;
export type OpenAlert = typeof openAlerts.$inferSelect;
export type AlertDelivery = typeof alertDeliveries.$inferSelect;
