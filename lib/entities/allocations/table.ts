import { date, index, integer, pgTable, primaryKey, text, uuid } from "drizzle-orm/pg-core";
import { money, tenantColumn } from "../columns";

/**
 * The Allocations of credit notes, overpayments and prepayments (what part of the credit went to
 * which invoice), one table for the three so an invoice's view finds every credit applied to it
 * with one indexed lookup. Child rows of their document: replaced whenever it is written
 * (lib/db/queries/mirror-batch.ts); the document's raw JSON keeps Xero's allocations whole.
 */
export const allocations = pgTable(
  "allocations",
  {
    tenantId: tenantColumn(),
    /** The credit note, overpayment or prepayment the allocation belongs to (Xero ids are GUIDs: unique across the three). */
    sourceId: uuid("source_id").notNull(),
    /** Which of the three: creditNotes, overpayments or prepayments (the entity's name). */
    sourceEntity: text("source_entity").notNull(),
    /** Its place in the document's Allocations: Xero sends AllocationID only on some answers. */
    position: integer("position").notNull(),
    allocationId: uuid("allocation_id"),
    invoiceId: uuid("invoice_id"),
    invoiceNumber: text("invoice_number"),
    amount: money("amount"),
    date: date("date"),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.sourceId, t.position] }), index("allocations_tenant_invoice_idx").on(t.tenantId, t.invoiceId)],
);

export type Allocation = typeof allocations.$inferSelect;
export type NewAllocation = typeof allocations.$inferInsert;
