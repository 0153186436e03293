import { numeric, timestamp, uuid, jsonb } from "drizzle-orm/pg-core";
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

const bookkeeping = () => ({
  raw: jsonb("raw").notNull(),
  deletedInXeroAt: ts("deleted_in_xero_at"),
  firstSyncedAt: ts("first_synced_at").notNull().defaultNow(),
  lastSyncedAt: ts("last_synced_at").notNull().defaultNow(),
});

/**
 * The bookkeeping columns after an entity's own: Xero's UpdatedDateUTC, the JSON as Xero sent
 * it, when Xero stopped returning the record (a delete that no status shows: set by
 * reconciliation, cleared if the record comes back), first and last write.
 */
export const mirrorColumns = () => ({ xeroUpdatedAt: ts("xero_updated_at").notNull(), ...bookkeeping() });

/** The same for entities whose records carry no UpdatedDateUTC (compared by content instead). */
export const unversionedMirrorColumns = () => ({ xeroUpdatedAt: ts("xero_updated_at"), ...bookkeeping() });
