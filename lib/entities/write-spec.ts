import { childSpec, mirrorSpec, type MirrorSpec } from "@/lib/db/queries/mirror-batch";
import type { EntityDefinition } from "./definition";

/** How the engine writes an entity's rows (and its child rows): derived from its tables. */
export function writeSpecOf(def: EntityDefinition): MirrorSpec {
  return mirrorSpec(def.table, def.idColumn, (def.children ?? []).map((c) => childSpec(c.table, c.parentColumn)));
}
