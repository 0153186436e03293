import { sql } from "drizzle-orm";
import type { AnyPgColumn, PgTable } from "drizzle-orm/pg-core";
import { queryRows, type Db } from "@/lib/db";
import { ENTITIES, entity as entityNamed } from "@/lib/entities/registry";

/** A mirror table and the entity it holds: every one is keyed by tenant_id first. */
export interface EntityTable {
  entity: string;
  table: PgTable & { tenantId: AnyPgColumn };
}

/** The table of a mirrored entity, from its definition (lib/entities). */
export function mirrorTable(entity: string): EntityTable {
  return { entity, table: entityNamed(entity).table as EntityTable["table"] };
}

/**
 * Records held per entity and tenant (those flagged deleted in Xero too), in one statement
 * whatever the number of tables: read from the summaries kept as rows are written
 * (lib/entities/summaries.ts), not counted. Tenants without rows are absent from the inner maps.
 * The caller passes tenant ids it has already scoped to the user.
 */
export async function countRecordsByTenant(db: Db, tables: readonly EntityTable[], tenantIds: readonly string[]): Promise<Map<string, Map<string, number>>> {
  const counts = new Map<string, Map<string, number>>(tables.map((t) => [t.entity, new Map()]));
  if (tables.length === 0 || tenantIds.length === 0) return counts;
  // The summaries are keyed by the entity owning the table (a table may be listed under another name).
  const owner = (t: EntityTable) => ENTITIES.find((d) => d.table === t.table)?.name;
  const owners = [...new Set(tables.map(owner).filter((o): o is string => o !== undefined))];
  if (owners.length === 0) return counts;
  const rows = await queryRows<{ entity: string; tenant_id: string; n: string }>(
    db,
    sql`select entity, tenant_id::text as tenant_id, sum(n)::text as n from mirror_summaries
      where tenant_id in (${sql.join(tenantIds.map((id) => sql`${id}::uuid`), sql`, `)}) and entity in (${sql.join(owners.map((o) => sql`${o}`), sql`, `)}) and facet = 'totals'
      group by entity, tenant_id having sum(n) <> 0`,
  );
  for (const t of tables) {
    const name = owner(t);
    for (const r of rows) if (r.entity === name) counts.get(t.entity)?.set(r.tenant_id, Number(r.n));
  }
  return counts;
}
