/**
 * Allocations: the pure mapper from a document's `Allocations` as Xero sent them (credit notes,
 * overpayments, prepayments) to `allocations` rows. Names as in Xero's `Allocation` schema.
 */
import { fieldsOf, str, toDateOnly, toDecimalString } from "../values";
import type { NewAllocation } from "./table";

/** The fields of Xero's `Allocation` the mapper reads. */
export interface XeroAllocationWire {
  AllocationID?: string;
  Invoice?: { InvoiceID?: string; InvoiceNumber?: string };
  Amount?: number;
  Date?: unknown;
  IsDeleted?: boolean;
}

/**
 * One document's allocations as child rows (without tenantId, which the write adds). An
 * allocation Xero flags IsDeleted no longer applies to its invoice: it gets no row (the
 * document's raw JSON still has it).
 */
export function mapAllocations(sourceEntity: string, what: string, sourceId: string, wire: { Allocations?: unknown }): Omit<NewAllocation, "tenantId">[] {
  const list = Array.isArray(wire.Allocations) ? (wire.Allocations as XeroAllocationWire[]) : [];
  const field = fieldsOf(`${what} allocation`, sourceId);
  const rows: Omit<NewAllocation, "tenantId">[] = [];
  list.forEach((a, position) => {
    if (!a || typeof a !== "object" || a.IsDeleted === true) return;
    rows.push({
      sourceId,
      sourceEntity,
      position,
      allocationId: str(a.AllocationID),
      invoiceId: str(a.Invoice?.InvoiceID),
      invoiceNumber: str(a.Invoice?.InvoiceNumber),
      amount: field("Amount", toDecimalString, a.Amount),
      date: field("Date", toDateOnly, a.Date),
    });
  });
  return rows;
}
