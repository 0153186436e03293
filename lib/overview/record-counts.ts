import { sql } from "drizzle-orm";
import type { AnyPgColumn, PgTable } from "drizzle-orm/pg-core";
import { queryRows, type Db } from "@/lib/db";
import { entity as entityNamed } from "@/lib/entities/registry";

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
 * Records held per entity and tenant, in one statement whatever the number of tables: a grouped
 * count per table (an index-only scan of its (tenant_id, …) key), glued with UNION ALL. Tenants
 * without rows are absent from the inner maps. The caller passes tenant ids it has already scoped
 * to the user.
 */
export async function countRecordsByTenant(db: Db, tables: readonly EntityTable[], tenantIds: readonly string[]): Promise<Map<string, Map<string, number>>> {
  const counts = new Map<string, Map<string, number>>(tables.map((t) => [t.entity, new Map()]));
  if (tables.length === 0 || tenantIds.length === 0) return counts;
  const ids = sql`(${sql.join(tenantIds.map((id) => sql`${id}::uuid`), sql`, `)})`;
  const selects = tables.map(
    (t) => sql`(select ${t.entity}::text as entity, ${t.table.tenantId}::text as tenant_id, count(*)::int as n from ${t.table} where ${t.table.tenantId} in ${ids} group by ${t.table.tenantId})`,
  );
  const rows = await queryRows<{ entity: string; tenant_id: string; n: number }>(db, sql.join(selects, sql` union all `));
  for (const r of rows) counts.get(r.entity)?.set(r.tenant_id, Number(r.n));
  return counts;
}
