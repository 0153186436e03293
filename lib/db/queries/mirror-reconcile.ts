import { sql } from "drizzle-orm";
import { summariesAfterDeletedFlag } from "@/lib/entities/summaries";
import type { Db } from "../client";
import { arrayLiteral, CHANGE_STAMP, type MirrorSpec } from "./mirror-batch";

function returnedIds(result: unknown): string[] {
  const rows = Array.isArray(result) ? result : ((result as { rows?: unknown[] }).rows ?? []);
  return (rows as { id: string }[]).map((r) => r.id);
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
  const unflagged = returnedIds(
    await db.execute(
      sql`update ${t} set deleted_in_xero_at = null, ${stamp} where tenant_id = ${tenantId}::uuid and deleted_in_xero_at is not null and ${id} = any(${present}) returning ${id}::text as id`,
    ),
  );
  const flagged = returnedIds(
    await db.execute(
      sql`update ${t} set deleted_in_xero_at = now(), ${stamp} where tenant_id = ${tenantId}::uuid and deleted_in_xero_at is null and not (${id} = any(${present})) returning ${id}::text as id`,
    ),
  );
  await summariesAfterDeletedFlag(db, spec.table, tenantId, [...unflagged, ...flagged]);
  return flagged.length;
}
