import type { EntityChild } from "../definition";
import { mapAllocations } from "./map";
import { allocations } from "./table";

/** The `allocations` child of a credit note, overpayment or prepayment definition. */
export function allocationsChild(sourceEntity: string, what: string): EntityChild {
  return {
    table: allocations,
    parentColumn: allocations.sourceId,
    rows: (parentId, wire) => mapAllocations(sourceEntity, what, parentId, wire),
  };
}
