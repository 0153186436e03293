import { z } from "zod";
import { CONNECTION_STATUSES, SESSION_KINDS, SESSION_OUTCOMES, TENANT_STATUSES } from "@/lib/db/schema";
import type { EntityDefinition, FieldSpec } from "@/lib/entities/definition";
import { apiIdKey } from "@/lib/entities/read-model-export";
import { entityExtras } from "@/lib/entities/read-model-extras";
import { columnsOf, idKindOf } from "@/lib/entities/read-model-params";
import { ERROR_STATUS, type ErrorType } from "@/lib/errors";
import { HEALTH_ORDER } from "@/lib/sync/cadence";

/**
 * The zod schemas of what the read API answers: every route shapes its answer through one of
 * these (lib/api/respond.ts) and the OpenAPI document is generated from the same objects, so the
 * document cannot describe anything but what is sent. Values are as JSON carries them: money and
 * other numerics as decimal strings, dates YYYY-MM-DD, instants ISO-8601 UTC, Xero's ids GUIDs.
 */

export const decimal = z.string().regex(/^-?\d+(\.\d+)?$/, "must be a decimal string").meta({ description: "A decimal number as a string (exact, never a float)" });
export const instant = z.iso.datetime();
export const day = z.iso.date();
export const guid = z.guid();
const count = z.number().int().nonnegative();

// ───────────────────────── errors ─────────────────────────

export const apiError = z
  .strictObject({
    error: z.strictObject({
      code: z.enum(Object.keys(ERROR_STATUS) as [ErrorType, ...ErrorType[]]),
      message: z.string(),
      details: z
        .looseObject({
          fieldErrors: z.record(z.string(), z.array(z.string())).optional().meta({ description: "The messages of each bad parameter, by its name" }),
        })
        .optional(),
    }),
  })
  .meta({ description: "An error: its code (with the HTTP status of the code), a message safe to show, and for a bad request the bad parameters" });

// ───────────────────────── entities ─────────────────────────

function fieldSchema(def: EntityDefinition, f: FieldSpec): z.ZodType {
  const col = columnsOf(def)[f.key];
  if (!col) throw new Error(`${def.name}: no column ${f.key}`);
  let s: z.ZodType;
  switch (f.kind) {
    case "money":
      s = decimal;
      break;
    case "number":
      s = col.dataType === "number" ? z.number() : decimal;
      break;
    case "date":
      s = day;
      break;
    case "instant":
      s = instant;
      break;
    case "boolean":
      s = z.boolean();
      break;
    default:
      s = col.columnType === "PgUUID" ? guid : z.string();
  }
  const described = s.meta({ description: f.label });
  return col.notNull ? described : described.nullable();
}

function apiFields(def: EntityDefinition): FieldSpec[] {
  const keys = def.view.api;
  const fields = keys ? keys.map((k) => def.view.fields.find((f) => f.key === k)!) : [...def.view.fields];
  return fields.filter((f) => f.key !== "xeroUpdatedAt");
}

const records = new WeakMap<EntityDefinition, { record: z.ZodObject; detail: z.ZodObject; list: z.ZodObject }>();

/** The schemas of one entity's API record, its detail (with raw and related) and its list page. */
export function entitySchemas(def: EntityDefinition): { record: z.ZodObject; detail: z.ZodObject; list: z.ZodObject } {
  const hit = records.get(def);
  if (hit) return hit;
  const shape: Record<string, z.ZodType> = {
    tenantId: guid.meta({ description: "The organisation (GET /api/v1/tenants)" }),
    [apiIdKey(def)]: (idKindOf(def) === "uuid" ? guid : z.string()).meta({ description: `Xero's ${def.xero.idField}` }),
  };
  for (const f of apiFields(def)) shape[f.key] = fieldSchema(def, f);
  for (const k of def.view.flags ?? []) shape[k] = z.boolean();
  Object.assign(shape, entityExtras(def.name)?.apiShape);
  shape.deletedInXero = instant.nullable().meta({ description: "When Xero stopped returning it (null: it still does)" });
  shape.updatedDateUTC = instant.nullable().meta({ description: "Xero's UpdatedDateUTC" });
  const record = z.strictObject(shape).meta({ description: `One of the ${def.label.toLowerCase()}` });
  const detail = record
    .extend({
      raw: z.unknown().meta({ description: "The record as Xero sent it" }),
      related: z.array(
        z.strictObject({
          entity: z.string(),
          label: z.string(),
          total: count,
          ids: z.array(z.object({ tenantId: guid }).catchall(z.string())).meta({ description: "The first related records: tenantId and the other entity's id field" }),
        }),
      ),
    })
    .meta({ description: `One of the ${def.label.toLowerCase()} with Xero's JSON and its related records` });
  const list = z.strictObject({ data: z.array(record), page: pageInfo });
  const out = { record, detail, list };
  records.set(def, out);
  return out;
}

export const pageInfo = z.strictObject({
  next: z.string().nullable().meta({ description: "Pass as `after` for the next page; null on the last" }),
  prev: z.string().nullable().meta({ description: "Pass as `before` for the previous page; null on the first" }),
  total: count.meta({ description: "Records matching the filters, all pages" }),
  limit: count,
});

/**
 * The answer of `changed_since` (the change feed of a list): records changed after the cursor,
 * and the cursor to ask with next.
 */
export function changesSchema(def: EntityDefinition): z.ZodObject {
  return z.strictObject({
    data: z.array(entitySchemas(def).record),
    changes: z.strictObject({ next: z.string().meta({ description: "Pass as `changed_since` next time" }), has_more: z.boolean() }),
  });
}

// ───────────────────────── tenants ─────────────────────────

const syncRun = z.strictObject({
  sessionId: guid,
  entity: z.string().nullable().meta({ description: "The entities it syncs, comma-separated (null: all)" }),
  trigger: z.string().nullable(),
  startedAt: instant,
  heartbeatAt: instant.nullable(),
  finishedAt: instant.nullable(),
  outcome: z.enum(SESSION_OUTCOMES),
  pages: count,
  apiCalls: count,
  recordsFetched: count,
  recordsInserted: count,
  recordsUpdated: count,
  recordsUnchanged: count,
  rateLimitWaits: count,
  rateLimitWaitMs: count,
  retries: count,
  error: z.string().nullable(),
});

export const tenantStatus = z
  .strictObject({
    id: guid,
    name: z.string(),
    xeroTenantId: guid,
    connectionId: guid,
    connectedAt: instant,
    status: z.enum(TENANT_STATUSES),
    statusReason: z.string().nullable(),
    connectionStatus: z.enum(CONNECTION_STATUSES),
    needsReconnect: z.boolean(),
    rateLimitedUntil: instant.nullable(),
    state: z.enum(["active", "syncing", "rate_limited", "needs_reconnect", "disconnected"]),
    running: syncRun.nullable(),
    queued: z.boolean(),
    lastRun: syncRun.nullable(),
    nextSyncAt: instant.nullable(),
    intervalMinutes: count.meta({ description: "Minutes between its scheduled syncs (0: the schedule is off)" }),
    ownIntervalMinutes: count.nullable().meta({ description: "Its own interval; null: the server's default" }),
    pausedAt: instant.nullable().meta({ description: "Scheduled syncs paused since then" }),
    health: z.enum(HEALTH_ORDER).meta({ description: "How it does against its schedule" }),
    healthReason: z.string(),
    entities: z.array(
      z.strictObject({
        entity: z.string(),
        records: count,
        lastSuccessAt: instant.nullable(),
        lastAttemptAt: instant.nullable(),
        lastError: z.string().nullable(),
        lastErrorAt: instant.nullable(),
        lastFullSyncAt: instant.nullable(),
        highWaterMark: instant.nullable(),
        unavailableReason: z.string().nullable(),
        enabled: z.boolean().meta({ description: "Not turned off for this organisation" }),
        cadenceMinutes: count.meta({ description: "Minutes between the schedule's polls of it" }),
        cadenceBasis: z.enum(["interval", "rarely_changes", "webhooks"]),
        nextDueAt: instant.nullable().meta({ description: "The schedule's next poll of it (null: off, paused or no schedule)" }),
      }),
    ),
  })
  .meta({ description: "An organisation with its sync status" });

export const tenantList = z.strictObject({ data: z.array(tenantStatus) });
export const tenantOne = z.strictObject({ data: tenantStatus });
/** GET /api/v1/tenants/{id}/sync: the overview's poll, same item under `tenant`. */
export const tenantSyncStatus = z.strictObject({ tenant: tenantStatus });
export const syncStarted = z.strictObject({ status: z.enum(["started", "already_running", "queued"]), sessionId: guid.nullable() });

// ───────────────────────── sessions ─────────────────────────

export const session = z
  .strictObject({
    id: guid,
    tenantId: guid.nullable(),
    tenantName: z.string().nullable(),
    connectionId: guid.nullable(),
    kind: z.enum(SESSION_KINDS),
    entity: z.string().nullable(),
    trigger: z.string().nullable(),
    startedAt: instant,
    heartbeatAt: instant.nullable(),
    finishedAt: instant.nullable(),
    outcome: z.enum(SESSION_OUTCOMES),
    interrupted: z.boolean().meta({ description: "Stopped between pages, or running with a stale heartbeat (its process died)" }),
    apiCalls: count,
    pages: count,
    recordsFetched: count,
    recordsInserted: count,
    recordsUpdated: count,
    recordsUnchanged: count,
    rateLimitWaits: count,
    rateLimitWaitMs: count,
    retries: count,
    error: z.string().nullable(),
    detail: z.record(z.string(), z.unknown()).nullable().meta({ description: "What it did, never a secret (a sync: its progress per entity)" }),
    webhook: z
      .strictObject({
        delivery: z.enum(["accepted", "rejected", "intent_to_receive"]),
        events: count,
        caused: z.enum(["starting", "started", "queued", "follow_up", "coalesced", "skipped"]).nullable(),
        syncDueAt: instant.nullable(),
        skippedReason: z.string().nullable(),
        repeats: count,
        reason: z.string().nullable(),
        deliveries: count,
        unmirrored: z.boolean(),
      })
      .nullable(),
  })
  .meta({ description: "One interaction with Xero (a sync, a token refresh, a webhook delivery …)" });

export const sessionList = z.strictObject({
  data: z.array(session),
  page: z.strictObject({ next: pageInfo.shape.next, prev: pageInfo.shape.prev, limit: count }),
});
export const sessionOne = z.strictObject({ data: session });
