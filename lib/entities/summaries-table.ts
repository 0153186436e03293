import { bigint, boolean, date, index, numeric, pgTable, text, unique } from "drizzle-orm/pg-core";
import { tenantColumn } from "./columns";

/**
 * The mirror's totals, kept as rows are written (lib/entities/summaries.ts): per organisation,
 * entity, facet (`totals`, or one of a definition's `summaries`) and group (currency, status,
 * deleted in Xero, the facet's dim and day), how many rows and the sums of the facet's money
 * columns (s0…s3, in the order the facet lists them). Text keys hold '' for NULL; the day is NULL
 * where the facet has none or the row's date is NULL. Removed with the organisation.
 */
export const mirrorSummaries = pgTable(
  "mirror_summaries",
  {
    tenantId: tenantColumn(),
    entity: text("entity").notNull(),
    facet: text("facet").notNull(),
    currency: text("currency").notNull(),
    status: text("status").notNull(),
    deleted: boolean("deleted").notNull(),
    dim: text("dim").notNull(),
    day: date("day"),
    n: bigint("n", { mode: "number" }).notNull(),
    s0: numeric("s0"),
    s1: numeric("s1"),
    s2: numeric("s2"),
    s3: numeric("s3"),
  },
  (t) => [
    unique("mirror_summaries_group_key").on(t.tenantId, t.entity, t.facet, t.currency, t.status, t.deleted, t.dim, t.day).nullsNotDistinct(),
    // A facet's groups over a range of days (the ageing's window of due dates), without reading the others.
    index("mirror_summaries_facet_day_idx").on(t.entity, t.facet, t.tenantId, t.day),
  ],
);
