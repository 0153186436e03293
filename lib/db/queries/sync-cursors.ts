import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../client";
import { syncCursors, type SyncCursor } from "../schema";

/**
 * sync_cursors: per (tenant, entity) the committed high-water mark of Xero's UpdatedDateUTC plus
 * the bookkeeping the dashboard shows (last attempt / success / error). The high-water mark only
 * moves forward and only inside the transaction that stored the records it covers, so a crash
 * resumes where it stopped and never skips.
 */

export async function getSyncCursor(db: Db, tenantId: string, entity: string): Promise<SyncCursor | undefined> {
  const [row] = await db
    .select()
    .from(syncCursors)
    .where(and(eq(syncCursors.tenantId, tenantId), eq(syncCursors.entity, entity)));
  return row;
}

export async function listSyncCursorsByTenants(db: Db, tenantIds: string[]): Promise<SyncCursor[]> {
  if (tenantIds.length === 0) return [];
  return db.select().from(syncCursors).where(inArray(syncCursors.tenantId, tenantIds));
}

/** Moves the high-water mark forward to `mark` (never backward). Run in the page's transaction. */
export async function advanceSyncCursor(db: Db, tenantId: string, entity: string, mark: Date): Promise<void> {
  await db
    .insert(syncCursors)
    .values({ tenantId, entity, highWaterMark: mark })
    .onConflictDoUpdate({
      target: [syncCursors.tenantId, syncCursors.entity],
      set: { highWaterMark: sql`greatest(${syncCursors.highWaterMark}, excluded.high_water_mark)` },
    });
}

/** Moves an offset walk's position forward to `position` (never backward). Run in the page's transaction. */
export async function advanceSyncPosition(db: Db, tenantId: string, entity: string, position: number): Promise<void> {
  await db
    .insert(syncCursors)
    .values({ tenantId, entity, position })
    .onConflictDoUpdate({
      target: [syncCursors.tenantId, syncCursors.entity],
      set: { position: sql`greatest(${syncCursors.position}, excluded.position)` },
    });
}

export async function markSyncAttempt(db: Db, tenantId: string, entity: string, at = new Date()): Promise<void> {
  await db
    .insert(syncCursors)
    .values({ tenantId, entity, lastAttemptAt: at })
    .onConflictDoUpdate({ target: [syncCursors.tenantId, syncCursors.entity], set: { lastAttemptAt: at } });
}

/** A finished pass: clears the last error; `xeroTime` is Xero's DateTimeUTC of the last response. */
export async function markSyncSuccess(
  db: Db,
  tenantId: string,
  entity: string,
  values: { at?: Date; xeroTime?: Date | null; full?: boolean } = {},
): Promise<void> {
  const at = values.at ?? new Date();
  const set = {
    lastSuccessAt: at,
    lastError: null,
    lastErrorAt: null,
    unavailableReason: null,
    ...(values.xeroTime ? { lastXeroTime: values.xeroTime } : {}),
    ...(values.full ? { lastFullSyncAt: at } : {}),
  };
  await db
    .insert(syncCursors)
    .values({ tenantId, entity, ...set })
    .onConflictDoUpdate({ target: [syncCursors.tenantId, syncCursors.entity], set });
}

export async function markSyncError(db: Db, tenantId: string, entity: string, error: string, at = new Date()): Promise<void> {
  const set = { lastError: error.slice(0, 2000), lastErrorAt: at };
  await db
    .insert(syncCursors)
    .values({ tenantId, entity, ...set })
    .onConflictDoUpdate({ target: [syncCursors.tenantId, syncCursors.entity], set });
}

/** The grant lacks the entity's scope: not an error of the sync, shown as such (see unavailable_reason). */
export async function markSyncUnavailable(db: Db, tenantId: string, entity: string, reason: string, at = new Date()): Promise<void> {
  const set = { unavailableReason: reason.slice(0, 500), lastAttemptAt: at };
  await db
    .insert(syncCursors)
    .values({ tenantId, entity, ...set })
    .onConflictDoUpdate({ target: [syncCursors.tenantId, syncCursors.entity], set });
}
