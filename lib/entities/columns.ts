import { sql } from "drizzle-orm";
import { bigint, customType, index, numeric, pgSequence, timestamp, uuid, jsonb, type PgColumn } from "drizzle-orm/pg-core";
import { xeroTenants } from "../db/core-schema";

/**
 * Column builders every mirrored entity's table shares. A mirror row is keyed by
 * (tenant_id, the Xero id); it keeps Xero's JSON whole in `raw`, so every typed column can be
 * re-derived from it. Conventions: money is numeric(19,4) (read back as decimal strings, never
 * floats), Xero's date-only fields are `date` (the organisation's calendar day), instants are
 * timestamptz.
 */

export const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });
export const money = (name: string) => numeric(name, { precision: 19, scale: 4 });
export const rate = (name: string) => numeric(name, { precision: 19, scale: 10 });

/** tenant_id: the organisation (as one user sees it) the row belongs to; removed with it. */
export const tenantColumn = () =>
  uuid("tenant_id")
    .notNull()
    .references(() => xeroTenants.id, { onDelete: "cascade" });

/**
 * A transaction id (PostgreSQL's 64-bit xid8, read as its decimal text: it outgrows a JS number's
 * exact range only after 2^53 transactions, but text never rounds).
 */
const xid8 = customType<{ data: string; driverData: string }>({ dataType: () => "xid8" });

/** Numbers every write of a mirror row, across all mirror tables (the change feed's order within a transaction). */
export const mirrorChangeSeq = pgSequence("mirror_change_seq");

const bookkeeping = () => ({
  raw: jsonb("raw").notNull(),
  deletedInXeroAt: ts("deleted_in_xero_at"),
  firstSyncedAt: ts("first_synced_at").notNull().defaultNow(),
  lastSyncedAt: ts("last_synced_at").notNull().defaultNow(),
  // The change feed's position of the row's last write (lib/entities/change-feed.ts): the writing
  // transaction and a sequence number. Every write path sets both (CHANGE_STAMP in
  // lib/db/queries/mirror-batch.ts); the defaults cover inserts.
  changeTxid: xid8("change_txid").notNull().default(sql`pg_current_xact_id()`),
  changeSeq: bigint("change_seq", { mode: "number" }).notNull().default(sql`nextval('mirror_change_seq')`),
});

/** The index the change feed reads a tenant's rows in order by: (tenant_id, change_txid, change_seq). */
export const changeFeedIndex = (table: string, t: { tenantId: PgColumn; changeTxid: PgColumn; changeSeq: PgColumn }) =>
  index(`${table}_tenant_change_idx`).on(t.tenantId, t.changeTxid, t.changeSeq);

/**
 * The bookkeeping columns after an entity's own: Xero's UpdatedDateUTC, the JSON as Xero sent
 * it, when Xero stopped returning the record (a delete that no status shows: set by
 * reconciliation, cleared if the record comes back), first and last write, and the change feed's
 * position of the last write (the table adds changeFeedIndex).
 */
export const mirrorColumns = () => ({ xeroUpdatedAt: ts("xero_updated_at").notNull(), ...bookkeeping() });

/** The same for entities whose records carry no UpdatedDateUTC (compared by content instead). */
export const unversionedMirrorColumns = () => ({ xeroUpdatedAt: ts("xero_updated_at"), ...bookkeeping() });
