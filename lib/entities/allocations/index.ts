import type { EntityChild } from "../definition";
import { mapAllocations } from "./map";
import { allocations } from "./table";

/** The `allocations` child of a credit note, overpayment or prepayment definition. */
export function allocationsChild(sourceEntity: string, what: string): EntityChild {
  return {
    table: allocations,
    parentColumn: allocations.sourceId,
    rows: (parentId, wire) => mapAllocations(sourceEntity, what, parentId, wire),
    view: {
      label: "Allocations",
      fields: [
        { key: "invoiceNumber", label: "Invoice", kind: "code", ref: { entity: "invoices", idKey: "invoiceId" } },
        { key: "date", label: "Date", kind: "date" },
        { key: "amount", label: "Amount", kind: "money", currencyKey: "currencyCode" },
      ],
      orderBy: "position",
    },
  };
}
