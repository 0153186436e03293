import { sql } from "drizzle-orm";
import type { Db } from "../client";
import { arrayLiteral, CHANGE_STAMP, type MirrorSpec } from "./mirror-batch";

function rowCount(result: unknown): number {
  if (Array.isArray(result)) return result.length;
  const r = result as { rows?: unknown[]; affectedRows?: number; count?: number };
  return r.rows?.length ?? 0;
}

/**
 * After an answer that holds every record of an entity (a refresh, or a walk without
 * If-Modified-Since): the tenant's rows whose ids it lacks were deleted in Xero without a status
 * saying so. They are kept, flagged deleted_in_xero_at (left out of totals, shown as deleted);
 * a flagged row that is back in the answer is unflagged. Either is a change of the row, stamped
 * for the change feed. Returns how many rows were newly flagged. Run in the transaction that
 * stores the answer.
 */
export async function markMissingAsDeleted(db: Db, spec: MirrorSpec, tenantId: string, presentIds: readonly string[]): Promise<number> {
  const t = sql.raw(spec.tableName);
  const id = sql.raw(spec.idName);
  const present = sql`${arrayLiteral(presentIds)}::${sql.raw(spec.idType)}[]`;
  const stamp = sql.raw(CHANGE_STAMP);
  await db.execute(sql`update ${t} set deleted_in_xero_at = null, ${stamp} where tenant_id = ${tenantId}::uuid and deleted_in_xero_at is not null and ${id} = any(${present})`);
  const flagged = await db.execute(
    sql`update ${t} set deleted_in_xero_at = now(), ${stamp} where tenant_id = ${tenantId}::uuid and deleted_in_xero_at is null and not (${id} = any(${present})) returning ${id}`,
  );
  return rowCount(flagged);
}
