/**
 * The summaries kept as the sync writes (lib/entities/summaries.ts) against the scans they
 * replace: after a first sync, incremental syncs with edits, payments, voids and deletes,
 * reconciliation flagging and unflagging, and disconnecting an organisation with its data, every
 * entity's totals (unfiltered, per organisation, per status), the "Your data" counts, the records
 * held per organisation and both overview charts must equal what a scan of the rows gives.
 */
import { and, count, eq, inArray, sql } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { items } from "@/lib/db/schema";
import { entityCounts, entityTotals, listEntity, scannedEntityTotals } from "@/lib/entities/read-model";
import { parseEntityQuery } from "@/lib/entities/read-model-params";
import { ENTITIES } from "@/lib/entities/registry";
import { todayUtc } from "@/lib/lists/today";
import { invoicedVsPaid, receivablesAging } from "@/lib/overview/read-model";
import { countRecordsByTenant, mirrorTable } from "@/lib/overview/record-counts";
import { syncTenant } from "@/lib/sync";
import { disconnectTenant } from "@/lib/xero/disconnect";
import { resummarise } from "@/tests/helpers/seed-mirror";
import { scannedEntityCounts, scannedInvoicedVsPaid, scannedReceivablesAging } from "@/tests/helpers/summary-scans";
import { createWorld, ctl, xeroConfig, type SyncWorld } from "./harness";

describe("summaries equal the scans", () => {
  let world: SyncWorld;
  let userId: string;
  let tenantIds: string[];

  const sync = async (tenantId: string, full = false, entities?: string[]) => {
    const r = await syncTenant(world.db.db, { tenantId, trigger: "manual", full, ...(entities ? { entities } : {}) });
    expect(r.status).toBe("success");
  };
  const mutate = (tenant: number, entity: string, count: number, kinds: string[]) =>
    ctl(world.sim, "POST", "/__sim/mutate", { tenantId: world.user.tenants[tenant]!.xeroTenantId, entity, count, kinds });

  /** Every figure the summaries answer, read both ways. */
  async function expectSummariesEqualScans(): Promise<void> {
    const db = world.db.db;
    const now = new Date();
    const today = todayUtc(now);
    for (const def of ENTITIES.filter((d) => d.view.totals)) {
      const statusFilter = def.view.filters.find((f) => f.kind === "enum" && f.column === def.deletes.statusKey);
      const queries: Record<string, string>[] = [{}, ...tenantIds.map((org) => ({ org }))];
      if (statusFilter?.kind === "enum") for (const v of statusFilter.values) queries.push({ [statusFilter.key]: v }, { [statusFilter.key]: v, org: tenantIds[0]! });
      for (const raw of queries) {
        const q = parseEntityQuery(def, raw);
        const scope = q.tenant ? [q.tenant] : tenantIds;
        expect({ entity: def.name, raw, totals: await entityTotals(db, { id: userId }, def, q, now) }).toEqual({ entity: def.name, raw, totals: await scannedEntityTotals(db, def, scope, q, today) });
      }
    }
    // A list's total (every row listed, deleted and cancelled ones too), unfiltered and per status.
    for (const def of ENTITIES) {
      const cols = def.table as unknown as { tenantId: PgColumn; status?: PgColumn };
      const statusCol = def.deletes.statusKey ? (def.table as unknown as Record<string, PgColumn>)[def.deletes.statusKey]! : undefined;
      const statusFilter = def.view.filters.find((f) => f.kind === "enum" && f.column === def.deletes.statusKey);
      const values = statusFilter?.kind === "enum" ? [undefined, ...statusFilter.values] : [undefined];
      for (const v of values) {
        const q = parseEntityQuery(def, v && statusFilter ? { [statusFilter.key]: v } : {});
        const [scan] = await db.select({ n: count() }).from(def.table).where(and(inArray(cols.tenantId, tenantIds), v && statusCol ? eq(statusCol, v) : undefined));
        expect({ entity: def.name, v, total: (await listEntity(db, { id: userId }, def, q, now)).total }).toEqual({ entity: def.name, v, total: scan!.n });
      }
    }
    expect(await entityCounts(db, { id: userId })).toEqual(await scannedEntityCounts(db, tenantIds));
    const tables = ENTITIES.map((d) => mirrorTable(d.name));
    const counted = await countRecordsByTenant(db, tables, tenantIds);
    for (const def of ENTITIES) {
      const cols = def.table as unknown as { tenantId: PgColumn };
      const rows = tenantIds.length
        ? await db.select({ tenantId: cols.tenantId, n: count() }).from(def.table).where(inArray(cols.tenantId, tenantIds)).groupBy(cols.tenantId)
        : [];
      expect({ entity: def.name, held: Object.fromEntries(counted.get(def.name)!) }).toEqual({ entity: def.name, held: Object.fromEntries(rows.map((r) => [r.tenantId as string, r.n])) });
    }
    expect(await receivablesAging(db, tenantIds, now)).toEqual(await scannedReceivablesAging(db, tenantIds, now));
    expect(await invoicedVsPaid(db, tenantIds, now)).toEqual(await scannedInvoicedVsPaid(db, tenantIds, now));
  }

  beforeAll(async () => {
    world = await createWorld([
      { name: "Summaries One (NZ)", invoices: 2500, contacts: 200, counts: { items: 40 } },
      { name: "Summaries Two (AU)", invoices: 600, contacts: 60, counts: { items: 20 } },
    ]);
    userId = world.user.userId;
    tenantIds = world.user.tenants.map((t) => t.id);
  });
  afterAll(() => world?.close());

  it("after the first sync", async () => {
    for (const id of tenantIds) await sync(id);
    await expectSummariesEqualScans();
  });

  it("after incremental syncs: edits, payments, approvals, voids, deletes and new records", async () => {
    await mutate(0, "invoices", 60, ["edit", "pay", "authorise"]);
    await mutate(0, "invoices", 15, ["void"]);
    await mutate(0, "invoices", 10, ["delete"]);
    await mutate(0, "invoices", 20, ["create"]);
    await mutate(1, "invoices", 25, ["edit", "pay", "void", "create"]);
    await mutate(0, "contacts", 10, ["archive", "create"]);
    await mutate(0, "items", 5, ["edit", "create"]);
    for (const id of tenantIds) await sync(id);
    await expectSummariesEqualScans();
    // A second round over the same records (rows change group again).
    await mutate(0, "invoices", 40, ["pay", "edit", "void"]);
    await sync(tenantIds[0]!);
    await expectSummariesEqualScans();
  });

  it("after reconciliation flags records Xero deleted outright, and unflags ones it returns again", async () => {
    await mutate(0, "items", 4, ["delete"]);
    await sync(tenantIds[0]!, true, ["items"]);
    const flagged = await world.db.db.select({ n: count() }).from(items).where(and(eq(items.tenantId, tenantIds[0]!), sql`${items.deletedInXeroAt} is not null`));
    expect(flagged[0]!.n).toBeGreaterThanOrEqual(4);
    await expectSummariesEqualScans();
    // Two live items held as deleted (summaries recomputed for that state): the full walk unflags them.
    const live = await world.db.db.select({ id: items.itemId }).from(items).where(and(eq(items.tenantId, tenantIds[0]!), sql`${items.deletedInXeroAt} is null`)).limit(2);
    await world.db.db.update(items).set({ deletedInXeroAt: new Date() }).where(and(eq(items.tenantId, tenantIds[0]!), inArray(items.itemId, live.map((l) => l.id))));
    await resummarise(world.db.db, [tenantIds[0]!], ["items"]);
    await sync(tenantIds[0]!, true, ["items"]);
    await expectSummariesEqualScans();
  });

  it("after disconnecting an organisation with its data: its rows and summaries go", async () => {
    const gone = tenantIds[1]!;
    await disconnectTenant(world.db.db, userId, gone, { deleteData: true, config: xeroConfig(world.sim) });
    const left = (await world.db.db.execute(sql`select count(*)::int as n from mirror_summaries where tenant_id = ${gone}::uuid`)) as unknown;
    const rows = Array.isArray(left) ? left : (left as { rows: unknown[] }).rows;
    expect(rows).toEqual([{ n: 0 }]);
    tenantIds = [tenantIds[0]!];
    await expectSummariesEqualScans();
  });
});
