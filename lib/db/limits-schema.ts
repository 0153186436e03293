import { bigserial, index, integer, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

/**
 * Xero's limits shared by every process on one PostgreSQL database (lib/sync/shared-limits.ts;
 * the functions that read and write these tables come with the migration that creates them).
 * Xero counts per app (client id) and organisation (Xero's tenant id, not xero_tenants.id: two
 * users connecting one organisation share its limits). PGlite is one process and keeps them in memory.
 */
const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/** One row per call sent to Xero: the minute windows count them, the unreleased ones are in flight. */
export const xeroLimitCalls = pgTable(
  "xero_limit_calls",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    clientId: text("client_id").notNull(),
    xeroTenantId: text("xero_tenant_id").notNull(),
    startedAt: ts("started_at").notNull(),
    /** A slot its process never released (killed) stops counting as in flight then. */
    expiresAt: ts("expires_at").notNull(),
    releasedAt: ts("released_at"),
  },
  (t) => [index("xero_limit_calls_tenant_idx").on(t.clientId, t.xeroTenantId, t.startedAt), index("xero_limit_calls_app_idx").on(t.clientId, t.startedAt)],
);

/**
 * What Xero said about its limits, per organisation and per app (xero_tenant_id '' is the app as a
 * whole): the *Remaining headers of the newest call answered (left = what remains for calls after
 * it, counted down as they start), pauses after a 429, and the end of a daily-limit stop.
 */
export const xeroLimitScopes = pgTable(
  "xero_limit_scopes",
  {
    clientId: text("client_id").notNull(),
    xeroTenantId: text("xero_tenant_id").notNull(),
    pausedUntil: ts("paused_until"),
    minuteLeft: integer("minute_left"),
    /** When the call that told minute_left started, and when its answer came. */
    minuteSeenStart: ts("minute_seen_start"),
    minuteSeenAt: ts("minute_seen_at"),
    dayLeft: integer("day_left"),
    daySeenStart: ts("day_seen_start"),
    dayLimitedUntil: ts("day_limited_until"),
  },
  (t) => [primaryKey({ columns: [t.clientId, t.xeroTenantId] })],
);
