/**
 * Recovering one entity of one organisation, when its mirror is wrong in a way the incremental
 * walk cannot see (Xero changed a record without a newer UpdatedDateUTC, rows were damaged here):
 *
 * - resync: rewinds the cursor to a date (never forward) and keeps the rows; the next walk starts
 *   there and rewrites every row whose JSON differs as it arrives, until it passes where the cursor
 *   stood (after that the walk is the usual one). Journals have no UpdatedDateUTC to rewind: their
 *   position goes back to the last JournalNumber created in Xero before the date. Refreshed
 *   entities (tax rates, tracking categories) have no cursor: only a full refresh applies.
 * - full: walks everything without If-Modified-Since, rewriting rows whose JSON differs, and
 *   reconciles hard deletes where the definition has them (the same walk as `--full`, but
 *   resumable: the cursor goes back to the start, so an interrupted walk continues from its last page).
 * - clear: deletes the entity's rows (and child rows) of the organisation, then walks from the start.
 *
 * A request is stored on the entity's sync_cursors row (`recovery`) and a sync of the entity is
 * requested at once, through the same path as Sync now (this process or a worker). The sync that
 * takes it applies it under the tenant's lease (so no other sync writes the entity meanwhile),
 * records it in its session's detail (`recovery`), and clears it once the entity's walk succeeds.
 */
import { and, desc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { queryRows, type Db } from "@/lib/db";
import { syncCursors, xeroConnections, xeroSessions, xeroTenants, type RecoveryRequest, type SyncCursor } from "@/lib/db/schema";
import type { EntityDefinition } from "@/lib/entities/definition";
import { enabledEntityNames } from "@/lib/entities/enabled";
import { entity as entityNamed, type SyncEntity } from "@/lib/entities/registry";
import { rebuildSummaries } from "@/lib/entities/summaries";
import { writeSpecOf } from "@/lib/entities/write-spec";
import { AppError } from "@/lib/errors";
import { readerAllows, type Reader } from "@/lib/lists/tenant-scope";

export type RecoveryKind = RecoveryRequest["kind"];
export const RECOVERY_KINDS = ["resync", "full", "clear"] as const satisfies readonly RecoveryKind[];

/** What the entity's walk allows: a refreshed entity has no cursor to rewind. */
export function recoveryKindsOf(def: EntityDefinition): RecoveryKind[] {
  return def.walk.kind === "refresh" ? ["full", "clear"] : ["resync", "full", "clear"];
}

const blankIsAbsent = (v: unknown) => (v === "" || v === null ? undefined : v);

/**
 * The recovery form as posted (FormData's strings): the organisation, the entity, the action, the
 * date to re-sync from (a UTC calendar day, walked from its start) and, for clear, the count the
 * person confirmed. Validated through the actions' wrapper (lib/http/handler.ts).
 */
export const recoveryFormSchema = z
  .object({
    tenantId: z.uuid("must be an organisation id"),
    entity: z.string().regex(/^[a-zA-Z]{1,40}$/, "must be an entity name"),
    kind: z.enum(RECOVERY_KINDS, "must be resync, full or clear"),
    from: z.preprocess(blankIsAbsent, z.iso.date("must be a date YYYY-MM-DD").optional()),
    confirmCount: z.preprocess(blankIsAbsent, z.coerce.number().int("must be a whole number").min(0, "must be a whole number").optional()),
  })
  .superRefine((v, ctx) => {
    if (v.kind === "resync" && !v.from) ctx.addIssue({ code: "custom", path: ["from"], message: "pick the date to re-sync from" });
    if (v.kind === "clear" && v.confirmCount === undefined) ctx.addIssue({ code: "custom", path: ["confirmCount"], message: "confirm the number of rows to delete" });
  })
  .transform(({ from, ...v }): RecoveryInput => ({ ...v, ...(from ? { from: new Date(`${from}T00:00:00Z`) } : {}) }));

export interface RecoveryInput {
  tenantId: string;
  entity: string;
  kind: RecoveryKind;
  /** resync: the instant to walk from (not in the future). */
  from?: Date;
  /** clear: the number of rows the person was shown and confirmed. */
  confirmCount?: number;
}

export interface RecoveryRequested {
  status: "started" | "already_running" | "queued";
  /** The sync's session, when it started here (or the running one it follows). */
  sessionId: string | null;
  request: RecoveryRequest;
}

/** Every row of the entity held for the organisation (those flagged deleted in Xero too). */
export async function countEntityRows(db: Db, tenantId: string, entity: SyncEntity): Promise<number> {
  const spec = writeSpecOf(entityNamed(entity));
  const [row] = await queryRows<{ n: string }>(db, sql`select count(*)::text as n from ${sql.raw(spec.tableName)} where tenant_id = ${tenantId}::uuid`);
  return Number(row?.n ?? 0);
}

/**
 * Stores a recovery of one of the reader's organisations' entities and starts its sync. Another
 * user's organisation (or one outside a narrowed reader's) is "not found"; an organisation that
 * needs reconnecting, an entity not synced here, an action its walk does not allow, a date in the
 * future or a clear confirmed for another count than the rows now held are refused with the reason.
 */
export async function requestRecovery(db: Db, reader: Reader, input: RecoveryInput, now = new Date()): Promise<RecoveryRequested> {
  if (!readerAllows(reader, input.tenantId)) throw new AppError("not_found", "No such organisation.");
  const [row] = await db
    .select({ tenant: xeroTenants, connectionStatus: xeroConnections.status })
    .from(xeroTenants)
    .innerJoin(xeroConnections, eq(xeroConnections.id, xeroTenants.connectionId))
    .where(and(eq(xeroTenants.id, input.tenantId), eq(xeroTenants.userId, reader.id)));
  if (!row) throw new AppError("not_found", "No such organisation.");
  if (row.tenant.status === "disconnected") throw new AppError("conflict", "This organisation is disconnected.");
  if (row.tenant.status === "needs_reconnect" || row.connectionStatus !== "active") throw new AppError("conflict", "This organisation needs to be reconnected to Xero first.");
  const entity = enabledEntityNames().find((e) => e === input.entity);
  if (!entity) throw new AppError("bad_request", `${input.entity} is not synced here (XERO_SYNC_ENTITIES).`);
  const def = entityNamed(entity);
  if (!recoveryKindsOf(def).includes(input.kind)) {
    throw new AppError("bad_request", `${def.label} have no cursor to rewind (they are fetched whole and compared): use a full refresh.`);
  }
  const request: RecoveryRequest = { kind: input.kind, requestedAt: now.toISOString() };
  if (input.kind === "resync") {
    if (!input.from || Number.isNaN(input.from.getTime())) throw new AppError("bad_request", "Re-sync from a date needs the date.");
    if (input.from.getTime() > now.getTime()) throw new AppError("bad_request", "The date to re-sync from is in the future.");
    request.from = input.from.toISOString();
  }
  if (input.kind === "clear") {
    const held = await countEntityRows(db, input.tenantId, entity);
    if (input.confirmCount !== held) {
      throw new AppError("conflict", `${row.tenant.name} now holds ${held.toLocaleString("en")} ${def.label.toLowerCase()}, not the number you confirmed: confirm again.`);
    }
    request.confirmed = held;
  }
  // A newer request replaces one still pending (a sync running it clears only its own: see finishRecovery).
  await db
    .insert(syncCursors)
    .values({ tenantId: input.tenantId, entity, recovery: request })
    .onConflictDoUpdate({ target: [syncCursors.tenantId, syncCursors.entity], set: { recovery: request } });
  // A sync already running may have passed this entity: one more runs right after it.
  // Imported when used: Sync now's path leads back to the engine, which imports this module.
  const { requestSyncForUser } = await import("@/lib/overview/sync-request");
  const started = await requestSyncForUser(db, reader, input.tenantId, { entities: [entity], followUpIfRunning: true });
  return { ...started, request };
}

/** How the walk of an entity with a recovery applied writes its pages. */
export interface RecoveryPlan {
  request: RecoveryRequest;
  /** Rewrite rows whose JSON differs up to this UpdatedDateUTC (ms) / position; null: the whole walk. */
  replaceThroughMs: number | null;
  replaceThroughPosition: number | null;
  /** Walk everything without If-Modified-Since (and reconcile where the entity has hard deletes). */
  whole: boolean;
  /** The cursor and position the walk starts from (after the rewind or the deletion). */
  highWaterMark: Date | null;
  position: number | null;
  /** What the session's detail records. */
  detail: { kind: RecoveryKind; from?: string; deleted?: number; confirmed?: number };
}

/**
 * Called by the engine under the tenant's lease, before the entity's walk: applies a pending
 * request the first time (the rewind, or the deletion, in one transaction with marking it
 * started), and returns how the walk goes; null when none is pending.
 */
export async function beginRecovery(db: Db, tenantId: string, def: EntityDefinition, stored: SyncCursor | undefined, sessionId: string): Promise<RecoveryPlan | null> {
  const request = stored?.recovery;
  if (!stored || !request) return null;
  let started = request.started;
  let highWaterMark = stored.highWaterMark;
  let position = stored.position;
  if (!started) {
    const apply = async (tx: Db): Promise<NonNullable<RecoveryRequest["started"]>> => {
      const at = new Date().toISOString();
      if (request.kind === "resync") {
        const from = new Date(request.from!);
        const untilMs = stored.highWaterMark?.getTime();
        let untilPosition: number | undefined;
        if (def.walk.kind === "offset" && def.positionColumn) {
          // Journals are never edited; their CreatedDateUTC (xero_updated_at) rises with the number.
          const spec = writeSpecOf(def);
          const [before] = await queryRows<{ p: string | null }>(
            tx,
            sql`select max(${sql.raw(def.positionColumn.name)})::text as p from ${sql.raw(spec.tableName)} where tenant_id = ${tenantId}::uuid and xero_updated_at < ${from.toISOString()}::timestamptz`,
          );
          untilPosition = stored.position ?? undefined;
          // Back to the last journal created before the date (none: the start); never forward.
          const back = before?.p ? Number(before.p) : null;
          position = stored.position === null || back === null ? null : Math.min(stored.position, back);
        } else if (stored.highWaterMark && from.getTime() < stored.highWaterMark.getTime()) {
          highWaterMark = from; // never forward
        }
        return { at, sessionId, ...(untilMs !== undefined ? { untilMs } : {}), ...(untilPosition !== undefined ? { untilPosition } : {}) };
      }
      let deleted: number | undefined;
      if (request.kind === "clear") deleted = await deleteEntityRows(tx, tenantId, def);
      // Both walk from the start; `full` rewrites every differing row on the way, `clear` has none left.
      highWaterMark = null;
      position = null;
      return { at, sessionId, ...(deleted !== undefined ? { deleted } : {}) };
    };
    // The rewind (or the deletion) and marking the request started commit together: a crash
    // before that leaves it to the next sync whole, never half done.
    // Only this request: one made since the cursor was read waits for the follow-up sync it asked for.
    const superseded = new Error("superseded");
    const applied = await db
      .transaction(async (tx) => {
        const applied = await apply(tx);
        const marked = await tx
          .update(syncCursors)
          .set({ highWaterMark, position, recovery: { ...request, started: applied }, ...(request.kind === "clear" ? { lastFullSyncAt: null } : {}) })
          .where(and(eq(syncCursors.tenantId, tenantId), eq(syncCursors.entity, def.name), sql`${syncCursors.recovery}->>'requestedAt' = ${request.requestedAt}`))
          .returning({ entity: syncCursors.entity });
        if (marked.length === 0) throw superseded;
        return applied;
      })
      .catch((error: unknown) => {
        if (error === superseded) return null;
        throw error;
      });
    if (!applied) return null;
    started = applied;
  }
  const resync = request.kind === "resync";
  return {
    request: { ...request, started },
    // A re-sync of an entity never walked before has nothing stored to replace.
    replaceThroughMs: resync ? (started.untilMs ?? -Infinity) : null,
    replaceThroughPosition: resync ? (started.untilPosition ?? -Infinity) : null,
    whole: request.kind !== "resync",
    highWaterMark,
    position,
    detail: {
      kind: request.kind,
      ...(request.from ? { from: request.from } : {}),
      ...(started.deleted !== undefined ? { deleted: started.deleted } : {}),
      ...(request.confirmed !== undefined ? { confirmed: request.confirmed } : {}),
    },
  };
}

/**
 * The entity's rows of the organisation and their child rows (a credit note's allocations, a
 * journal's lines), and their share of the summaries. Returns how many rows went. Rows deleted
 * here leave the change feed without an entry of their own; those Xero still has come back with
 * the re-sync, as new writes, and the sync's session (detail.recovery) tells API readers to read
 * the entity again from the start.
 */
async function deleteEntityRows(db: Db, tenantId: string, def: EntityDefinition): Promise<number> {
  const spec = writeSpecOf(def);
  const parents = sql`select ${sql.raw(spec.idName)} from ${sql.raw(spec.tableName)} where tenant_id = ${tenantId}::uuid`;
  for (const child of spec.children) {
    await db.execute(sql`delete from ${sql.raw(child.tableName)} where tenant_id = ${tenantId}::uuid and ${sql.raw(child.parentName)} in (${parents})`);
  }
  const [row] = await queryRows<{ n: string }>(
    db,
    sql`with gone as (delete from ${sql.raw(spec.tableName)} where tenant_id = ${tenantId}::uuid returning 1) select count(*)::text as n from gone`,
  );
  await rebuildSummaries(db, def, [tenantId]);
  return Number(row?.n ?? 0);
}

/** After the entity's walk succeeded: the request it applied is done (a newer one stays pending). */
export async function finishRecovery(db: Db, tenantId: string, entity: string, request: RecoveryRequest): Promise<void> {
  await db
    .update(syncCursors)
    .set({ recovery: null })
    .where(and(eq(syncCursors.tenantId, tenantId), eq(syncCursors.entity, entity), sql`${syncCursors.recovery}->>'requestedAt' = ${request.requestedAt}`));
}

/** One entity's recovery as the organisation page shows it: what is pending, and the last one done. */
export interface EntityRecoveryStatus {
  entity: SyncEntity;
  /** Offered for this entity's walk. */
  kinds: RecoveryKind[];
  pending: RecoveryRequest | null;
  /** The latest finished sync that did a recovery of this entity. */
  last: { sessionId: string; outcome: string; finishedAt: Date | null; detail: RecoveryPlan["detail"]; updated: number; inserted: number; fetched: number } | null;
}

/**
 * The recoveries of one of the reader's organisations, per enabled entity: two queries (its
 * cursors, its recent recovery syncs), each scoped to the reader's own organisation.
 */
export async function listEntityRecoveries(db: Db, reader: Reader, tenantId: string): Promise<EntityRecoveryStatus[]> {
  if (!readerAllows(reader, tenantId)) return [];
  const owned = and(eq(xeroTenants.id, tenantId), eq(xeroTenants.userId, reader.id));
  const cursors = await db
    .select({ entity: syncCursors.entity, recovery: syncCursors.recovery })
    .from(syncCursors)
    .innerJoin(xeroTenants, eq(xeroTenants.id, syncCursors.tenantId))
    .where(owned);
  const runs = await db
    .select({ id: xeroSessions.id, outcome: xeroSessions.outcome, finishedAt: xeroSessions.finishedAt, detail: xeroSessions.detail })
    .from(xeroSessions)
    .innerJoin(xeroTenants, eq(xeroTenants.id, xeroSessions.tenantId))
    .where(and(owned, eq(xeroSessions.kind, "sync"), sql`${xeroSessions.detail} -> 'recovery' is not null`))
    .orderBy(desc(xeroSessions.startedAt))
    .limit(50);
  return enabledEntityNames().map((entity) => {
    const run = runs.find((r) => (r.detail as { recovery?: Record<string, unknown> } | null)?.recovery?.[entity]);
    const detail = run?.detail as { recovery: Record<string, RecoveryPlan["detail"]>; entities?: Record<string, { updated?: number; inserted?: number; fetched?: number }> } | undefined;
    const counts = detail?.entities?.[entity];
    return {
      entity,
      kinds: recoveryKindsOf(entityNamed(entity)),
      pending: cursors.find((c) => c.entity === entity)?.recovery ?? null,
      last:
        run && detail
          ? { sessionId: run.id, outcome: run.outcome, finishedAt: run.finishedAt, detail: detail.recovery[entity]!, updated: counts?.updated ?? 0, inserted: counts?.inserted ?? 0, fetched: counts?.fetched ?? 0 }
          : null,
    };
  });
}
