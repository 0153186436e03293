/**
 * Shared by the accounts, items, tax rates, tracking categories and journals tests: the real
 * xero-node source, observed (every request the engine asks of it, per entity), and the
 * bookkeeping a test moves back in time instead of waiting (the last refresh or reconciliation
 * "25 hours ago"), so what is due never depends on the clock racing the test.
 */
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/lib/db";
import { syncCursors } from "@/lib/db/schema";
import type { XeroListQuery } from "@/lib/entities/definition";
import type { XeroSource } from "@/lib/sync/source";
import { createXeroSource } from "@/lib/sync/xero-source";

export interface ObservedSource extends XeroSource {
  /** The requests asked so far, in order, with the entity's name. */
  requests: (XeroListQuery & { entity: string })[];
  /** The requests of one entity, and forget them all. */
  take(entity: string): XeroListQuery[];
}

export function observedSource(): ObservedSource {
  const real = createXeroSource();
  const requests: (XeroListQuery & { entity: string })[] = [];
  return {
    requests,
    list(def, token, xeroTenantId, q) {
      requests.push({ entity: def.name, ...q });
      return real.list(def, token, xeroTenantId, q);
    },
    classify: (e) => real.classify(e),
    take(entity) {
      const mine = requests.filter((r) => r.entity === entity).map(({ entity: _e, ...q }) => q);
      requests.length = 0;
      return mine;
    },
  };
}

/** Makes the entity's last success (a refresh) and last walk of everything `hours` older. */
export async function ageCursor(db: Db, tenantId: string, entity: string, hours: number): Promise<void> {
  const by = sql.raw(`interval '${Number(hours)} hours'`);
  await db
    .update(syncCursors)
    .set({ lastSuccessAt: sql`${syncCursors.lastSuccessAt} - ${by}`, lastFullSyncAt: sql`${syncCursors.lastFullSyncAt} - ${by}` })
    .where(and(eq(syncCursors.tenantId, tenantId), eq(syncCursors.entity, entity)));
}
