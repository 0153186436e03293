import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

/**
 * The data model outside the mirror (users, grants, organisations, the log, cursors, API tokens);
 * each mirrored entity's table lives with its definition in lib/entities/<name>/table.ts, and
 * lib/db/schema.ts puts both together. Conventions:
 * - snake_case plural tables, camelCase TypeScript keys;
 * - every synced row belongs to one user through xero_tenants.user_id (a tenant row is one user's
 *   view of one Xero organisation), so every read is scoped by user;
 * - money is `numeric` (read back as decimal strings, never floats), Xero's date-only fields are
 *   `date` (org-local calendar dates), Xero's UpdatedDateUTC is `timestamptz`, the record as Xero
 *   sent it is `jsonb`.
 */

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

// ───────────────────────── next-auth (v4 adapter tables) ─────────────────────────

export const users = pgTable("users", {
  id: text("id")
    .primaryKey()
    .$defaultFn(() => crypto.randomUUID()),
  name: text("name"),
  email: text("email").unique(),
  emailVerified: ts("email_verified"),
  image: text("image"),
  createdAt: ts("created_at").notNull().defaultNow(),
});

/**
 * Sign-in identities. Deliberately without next-auth's token columns: signing in needs only the
 * identity, and the Xero grant used for syncing lives encrypted in xero_connections. No plaintext
 * token is ever stored.
 */
export const accounts = pgTable(
  "accounts",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    type: text("type").notNull(),
    provider: text("provider").notNull(),
    providerAccountId: text("provider_account_id").notNull(),
    createdAt: ts("created_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.provider, t.providerAccountId] }), index("accounts_user_id_idx").on(t.userId)],
);

export const sessions = pgTable(
  "sessions",
  {
    sessionToken: text("session_token").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    expires: ts("expires").notNull(),
  },
  (t) => [index("sessions_user_id_idx").on(t.userId)],
);

export const verificationTokens = pgTable(
  "verification_tokens",
  {
    identifier: text("identifier").notNull(),
    token: text("token").notNull(),
    expires: ts("expires").notNull(),
  },
  (t) => [primaryKey({ columns: [t.identifier, t.token] })],
);

// ───────────────────────── Xero grants and organisations ─────────────────────────

export const CONNECTION_STATUSES = ["active", "needs_reconnect", "revoked"] as const;
export type ConnectionStatus = (typeof CONNECTION_STATUSES)[number];

/** One Xero OAuth grant of a user (or the app's Custom Connection). */
export const xeroConnections = pgTable(
  "xero_connections",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    grantType: text("grant_type", { enum: ["authorization_code", "client_credentials"] }).notNull(),
    /** Xero's user id (`xero_userid` claim); null for a Custom Connection. */
    xeroUserId: text("xero_user_id"),
    /** `authentication_event_id` of the consent that produced the current grant. */
    authEventId: text("auth_event_id"),
    /**
     * The identity issuer the grant came from (https://identity.xero.com, or the simulator's URL):
     * its tokens go nowhere else (lib/xero/issuer.ts). Null on rows from before it was recorded,
     * which means Xero's own.
     */
    issuer: text("issuer"),
    scopes: text("scopes").notNull(),
    /** The token set (access, refresh, id token), AES-256-GCM encrypted: see lib/xero/token-crypto. */
    tokenSetEncrypted: text("token_set_encrypted").notNull(),
    accessTokenExpiresAt: ts("access_token_expires_at").notNull(),
    /** When the current refresh token was issued: it dies after 60 days unused. */
    refreshTokenIssuedAt: ts("refresh_token_issued_at"),
    status: text("status", { enum: CONNECTION_STATUSES }).notNull().default("active"),
    statusReason: text("status_reason"),
    createdAt: ts("created_at").notNull().defaultNow(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [
    index("xero_connections_user_id_idx").on(t.userId),
    // Connecting again as the same Xero user refreshes the grant instead of duplicating it.
    uniqueIndex("xero_connections_user_xero_user_uq").on(t.userId, t.xeroUserId),
  ],
);

export const TENANT_STATUSES = ["active", "disconnected", "needs_reconnect"] as const;
export type TenantStatus = (typeof TENANT_STATUSES)[number];

/** An organisation a connection reaches, as seen by one user. */
export const xeroTenants = pgTable(
  "xero_tenants",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    connectionId: uuid("connection_id")
      .notNull()
      .references(() => xeroConnections.id, { onDelete: "cascade" }),
    /** Xero's tenantId (the `xero-tenant-id` header). */
    xeroTenantId: text("xero_tenant_id").notNull(),
    /** Xero's connection id, for DELETE /connections/{id}. */
    xeroConnectionId: text("xero_connection_id"),
    name: text("name").notNull(),
    tenantType: text("tenant_type").notNull().default("ORGANISATION"),
    status: text("status", { enum: TENANT_STATUSES }).notNull().default("active"),
    statusReason: text("status_reason"),
    connectedAt: ts("connected_at").notNull().defaultNow(),
    disconnectedAt: ts("disconnected_at"),
    /** A daily-limit 429 stops syncing until then (Xero's rolling day). */
    rateLimitedUntil: ts("rate_limited_until"),
    /** Lease that makes one sync per tenant at a time across processes (expires if a worker dies). */
    syncLockOwner: text("sync_lock_owner"),
    syncLockExpiresAt: ts("sync_lock_expires_at"),
    /** The xero_sessions row of the sync holding the lease, so others can follow its progress. */
    syncSessionId: uuid("sync_session_id"),
    /**
     * A change was announced (webhook) while a sync held the lease: that sync may already have
     * passed the change, so whoever runs it starts another when it ends. Cleared when a sync
     * takes the lease (it covers everything announced before it started).
     */
    syncRequestedAt: ts("sync_requested_at"),
    /**
     * Webhook debounce (lib/sync/webhook-syncs.ts): when a webhook last started a sync of this
     * tenant, and when one is due because changes arrived inside the window. A sync of every
     * entity that takes the lease clears the due time (it covers what was announced before it).
     */
    webhookSyncAt: ts("webhook_sync_at"),
    webhookSyncDueAt: ts("webhook_sync_due_at"),
    /**
     * Sync workers (lib/jobs): when the schedule next syncs this tenant, each tenant at its own
     * offset within SYNC_INTERVAL_MINUTES so hundreds of organisations never all start at once.
     * Null: not scheduled yet (the next worker tick gives it its slot).
     */
    nextSyncAt: ts("next_sync_at"),
    /** The organisation's own schedule: minutes between scheduled syncs; null = SYNC_INTERVAL_MINUTES. */
    syncIntervalMinutes: integer("sync_interval_minutes"),
    /** Scheduled syncs are paused since then (by its user); null = running on schedule. */
    syncPausedAt: ts("sync_paused_at"),
    createdAt: ts("created_at").notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("xero_tenants_user_xero_tenant_uq").on(t.userId, t.xeroTenantId),
    index("xero_tenants_connection_id_idx").on(t.connectionId),
  ],
);

export const SESSION_KINDS = ["authorize", "callback", "token_refresh", "sync", "webhook", "disconnect"] as const;
export type XeroSessionKind = (typeof SESSION_KINDS)[number];
export const SESSION_OUTCOMES = ["running", "success", "error", "rate_limited", "cancelled", "interrupted"] as const;
export type XeroSessionOutcome = (typeof SESSION_OUTCOMES)[number];

/** The log of every interaction with Xero (the original design's "sessions"). Never holds a secret. */
export const xeroSessions = pgTable(
  "xero_sessions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: text("user_id").references(() => users.id, { onDelete: "cascade" }),
    connectionId: uuid("connection_id").references(() => xeroConnections.id, { onDelete: "set null" }),
    tenantId: uuid("tenant_id").references(() => xeroTenants.id, { onDelete: "set null" }),
    kind: text("kind", { enum: SESSION_KINDS }).notNull(),
    entity: text("entity"),
    /** What started it: manual, schedule, cli, webhook, login. */
    trigger: text("trigger"),
    startedAt: ts("started_at").notNull().defaultNow(),
    finishedAt: ts("finished_at"),
    /** Liveness of a running sync; a stale one with no finish is shown as interrupted. */
    heartbeatAt: ts("heartbeat_at"),
    outcome: text("outcome", { enum: SESSION_OUTCOMES }).notNull().default("running"),
    apiCalls: integer("api_calls").notNull().default(0),
    pages: integer("pages").notNull().default(0),
    recordsFetched: integer("records_fetched").notNull().default(0),
    recordsInserted: integer("records_inserted").notNull().default(0),
    recordsUpdated: integer("records_updated").notNull().default(0),
    recordsUnchanged: integer("records_unchanged").notNull().default(0),
    rateLimitWaits: integer("rate_limit_waits").notNull().default(0),
    rateLimitWaitMs: bigint("rate_limit_wait_ms", { mode: "number" }).notNull().default(0),
    retries: integer("retries").notNull().default(0),
    error: text("error"),
    /** Non-secret details (e.g. Xero error type, tenants granted, cursor before/after). */
    detail: jsonb("detail").$type<Record<string, unknown>>(),
  },
  (t) => [
    index("xero_sessions_user_started_idx").on(t.userId, t.startedAt.desc()),
    index("xero_sessions_tenant_started_idx").on(t.tenantId, t.startedAt.desc()),
  ],
);

/**
 * Summaries of xero_sessions rows removed by retention (lib/history/retention.ts): one row per
 * UTC day, user, tenant and kind, so totals survive the rows. tenant_id has no foreign key: a
 * summary outlives its organisation, whose name is kept beside it.
 */
export const xeroSessionSummaries = pgTable(
  "xero_session_summaries",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    day: date("day").notNull(),
    userId: text("user_id").references(() => users.id, { onDelete: "cascade" }),
    tenantId: uuid("tenant_id"),
    tenantName: text("tenant_name"),
    kind: text("kind", { enum: SESSION_KINDS }).notNull(),
    sessions: integer("sessions").notNull().default(0),
    succeeded: integer("succeeded").notNull().default(0),
    failed: integer("failed").notNull().default(0),
    rateLimited: integer("rate_limited").notNull().default(0),
    cancelled: integer("cancelled").notNull().default(0),
    apiCalls: bigint("api_calls", { mode: "number" }).notNull().default(0),
    recordsFetched: bigint("records_fetched", { mode: "number" }).notNull().default(0),
    recordsInserted: bigint("records_inserted", { mode: "number" }).notNull().default(0),
    recordsUpdated: bigint("records_updated", { mode: "number" }).notNull().default(0),
    recordsUnchanged: bigint("records_unchanged", { mode: "number" }).notNull().default(0),
  },
  (t) => [unique("xero_session_summaries_key_uq").on(t.day, t.userId, t.tenantId, t.kind).nullsNotDistinct(), index("xero_session_summaries_user_idx").on(t.userId)],
);

/**
 * Signed webhook deliveries already taken, by SHA-256 of the body, so a replay of a captured
 * delivery is dropped (kept 24 hours, then pruned). session_ids are the xero_sessions rows that
 * logged it, where repeats are counted.
 */
export const xeroWebhookDeliveries = pgTable(
  "xero_webhook_deliveries",
  {
    digest: text("digest").primaryKey(),
    receivedAt: ts("received_at").notNull().defaultNow(),
    sessionIds: uuid("session_ids").array().notNull().default(sql`'{}'::uuid[]`),
  },
  (t) => [index("xero_webhook_deliveries_received_idx").on(t.receivedAt)],
);

/** Pending Connect Xero attempts: single-use, short-lived, bound to the user who started them. */
export const xeroAuthRequests = pgTable(
  "xero_auth_requests",
  {
    /** SHA-256 of the `state` sent to Xero (the state itself is never stored). */
    stateHash: text("state_hash").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** PKCE verifier, AES-256-GCM encrypted. */
    codeVerifierEncrypted: text("code_verifier_encrypted").notNull(),
    nonce: text("nonce"),
    sessionId: uuid("session_id"),
    createdAt: ts("created_at").notNull().defaultNow(),
    expiresAt: ts("expires_at").notNull(),
    usedAt: ts("used_at"),
  },
  (t) => [index("xero_auth_requests_user_idx").on(t.userId)],
);

/**
 * A known value encrypted under the current TOKEN_ENCRYPTION_KEY (one row, id "token_encryption_key"),
 * so that a server started with the wrong key says so at start-up and on /api/health instead of
 * on the first token it cannot read. Written on first start, rewritten by `npm run tokens:reencrypt`.
 */
export const encryptionCanaries = pgTable("encryption_canaries", {
  id: text("id").primaryKey(),
  valueEncrypted: text("value_encrypted").notNull(),
  updatedAt: ts("updated_at").notNull().defaultNow(),
});

/**
 * A pending recovery of one entity: `resync` rewinds the cursor to `from` and rewrites rows as they
 * arrive; `full` walks everything and reconciles; `clear` deletes the rows, then walks from the
 * start. `started` is set by the sync that applied it (the rewind or the deletion, under the lease):
 * a walk interrupted after that resumes from the committed cursor, replacing rows up to where the
 * cursor stood (`untilMs` / `untilPosition`; absent: the whole walk).
 */
export interface RecoveryRequest {
  kind: "resync" | "full" | "clear";
  requestedAt: string;
  /** resync: the ISO instant to walk from. */
  from?: string;
  /** clear: the number of rows the user confirmed deleting. */
  confirmed?: number;
  started?: { at: string; sessionId: string; untilMs?: number; untilPosition?: number; deleted?: number };
}

/**
 * Per (tenant, entity): where the entity's walk stands. `entity` is a mirrored entity's name
 * (lib/entities/registry.ts).
 */
export const syncCursors = pgTable(
  "sync_cursors",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => xeroTenants.id, { onDelete: "cascade" }),
    entity: text("entity").notNull(),
    /** Largest UpdatedDateUTC stored; advanced only in the transaction that stores those records. */
    highWaterMark: ts("high_water_mark"),
    /**
     * Walks by position instead of time (journals: the last JournalNumber stored), advanced the
     * same way as the high-water mark.
     */
    position: bigint("position", { mode: "number" }),
    lastAttemptAt: ts("last_attempt_at"),
    lastSuccessAt: ts("last_success_at"),
    /** Xero's DateTimeUTC of the last successful sync (Xero's clock, not ours). */
    lastXeroTime: ts("last_xero_time"),
    lastError: text("last_error"),
    lastErrorAt: ts("last_error_at"),
    lastFullSyncAt: ts("last_full_sync_at"),
    /**
     * Why the entity cannot sync with the connection's grant (a scope it lacks: a reconnect, or
     * for journals Xero's Advanced plan, gives it); cleared by the next success.
     */
    unavailableReason: text("unavailable_reason"),
    /** Turned off for this organisation by its user since then: no sync walks it; null = on. */
    disabledAt: ts("disabled_at"),
    /**
     * A recovery its user asked for (lib/sync/recovery.ts), kept until a walk has done it, so a
     * restart or a worker elsewhere still honours it; null = none pending.
     */
    recovery: jsonb("recovery").$type<RecoveryRequest>(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.entity] })],
);

// ───────────────────────── read API tokens ─────────────────────────

/**
 * Personal tokens for the read API (/api/v1): `Authorization: Bearer xs_…`. Only the
 * SHA-256 of a token is stored; the token itself is shown once when created. Read-only by design.
 */
export const apiTokens = pgTable(
  "api_tokens",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    /** SHA-256 (hex) of the token. */
    tokenHash: text("token_hash").notNull(),
    /** First characters of the token, to recognise it in the list (not secret on their own). */
    prefix: text("prefix").notNull(),
    createdAt: ts("created_at").notNull().defaultNow(),
    lastUsedAt: ts("last_used_at"),
    revokedAt: ts("revoked_at"),
    /** The one organisation the token reads; null: every organisation of its user. */
    tenantId: uuid("tenant_id").references(() => xeroTenants.id, { onDelete: "cascade" }),
    /** Read-only tokens cannot start syncs (tokens made before this option existed were read-only). */
    readOnly: boolean("read_only").notNull().default(true),
    /** Null: never expires. */
    expiresAt: ts("expires_at"),
    /** The rate limit's fixed window: when the current one began, and the requests counted in it. */
    rateWindowStartedAt: ts("rate_window_started_at"),
    rateCount: integer("rate_count").notNull().default(0),
  },
  (t) => [uniqueIndex("api_tokens_token_hash_uq").on(t.tokenHash), index("api_tokens_user_idx").on(t.userId)],
);

// ───────────────────────── usage of Xero's plan ─────────────────────────

/**
 * What this app spent of Xero's plan, per UTC day, app (client id) and organisation (Xero's tenant
 * id; '' for calls not about one organisation, such as /connections): calls sent, response bytes
 * received, and the daily quota Xero last reported (X-DayLimit-Remaining) with when it said so.
 * Keyed by Xero's ids, as Xero counts, so two users connecting one organisation share one row.
 */
export const xeroUsageDays = pgTable(
  "xero_usage_days",
  {
    day: date("day").notNull(),
    clientId: text("client_id").notNull(),
    xeroTenantId: text("xero_tenant_id").notNull(),
    calls: integer("calls").notNull().default(0),
    bytes: bigint("bytes", { mode: "number" }).notNull().default(0),
    dayLimitRemaining: integer("day_limit_remaining"),
    dayLimitSeenAt: ts("day_limit_seen_at"),
  },
  (t) => [primaryKey({ columns: [t.clientId, t.xeroTenantId, t.day] }), index("xero_usage_days_day_idx").on(t.clientId, t.day)],
);

export type User = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;
export type XeroConnection = typeof xeroConnections.$inferSelect;
export type NewXeroConnection = typeof xeroConnections.$inferInsert;
export type XeroTenant = typeof xeroTenants.$inferSelect;
export type NewXeroTenant = typeof xeroTenants.$inferInsert;
export type XeroSession = typeof xeroSessions.$inferSelect;
export type NewXeroSession = typeof xeroSessions.$inferInsert;
export type XeroAuthRequest = typeof xeroAuthRequests.$inferSelect;
export type SyncCursor = typeof syncCursors.$inferSelect;
export type ApiToken = typeof apiTokens.$inferSelect;
export type XeroSessionSummary = typeof xeroSessionSummaries.$inferSelect;
export type XeroUsageDay = typeof xeroUsageDays.$inferSelect;
