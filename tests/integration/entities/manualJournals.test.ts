/**
 * Manual journals synced from the simulator over HTTP by the real xero-node, with their lines in
 * manual_journal_lines: first sync, only changes afterwards (an edited journal's lines replaced,
 * an unchanged journal's left alone), a no-op, edits while the sync pages, and Xero's delete
 * semantics (DELETED drafts and VOIDED posted journals stay, marked by their status), the database
 * equal to the simulator's truth.
 */
import { and, asc, count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manualJournalLines, manualJournals, syncCursors, xeroConnections } from "@/lib/db/schema";
import { syncTenant, type EntitySyncResult } from "@/lib/sync";
import { manualJournalsTruth } from "@/tests/helpers/entity-truth/manualJournals";
import { apiLog, createWorld, ctl, type SyncWorld } from "../sync/harness";

type Tenant = SyncWorld["user"]["tenants"][number];
type Changes = { changes: { entity: string; id: string; kind: string; status: string }[] };
const ENTITY = "manualJournals";

async function sync(world: SyncWorld, tenant: Tenant): Promise<EntitySyncResult & { calls: number }> {
  const result = await syncTenant(world.db.db, { tenantId: tenant.id, trigger: "manual", entities: [ENTITY] });
  expect(result.status).toBe("success");
  if (result.status !== "success") throw new Error(result.status);
  return { ...result.entities[0]!, calls: result.calls };
}

async function expectMirrors(world: SyncWorld, tenant: Tenant): Promise<number> {
  const { want, got } = await manualJournalsTruth(world.db.db, world.sim, tenant);
  expect(got.length).toBe(want.length);
  expect(got).toEqual(want);
  return want.length;
}

const mutate = async (world: SyncWorld, tenant: Tenant, count: number, kinds: string[]) =>
  (await ctl<Changes>(world.sim, "POST", "/__sim/mutate", { tenantId: tenant.xeroTenantId, entity: ENTITY, count, kinds })).changes.filter((c) => c.entity === ENTITY);

describe("manual journals: sync from Xero", () => {
  let world: SyncWorld;
  let tenant: Tenant;
  let paging: Tenant;

  beforeAll(async () => {
    world = await createWorld([
      { name: "Journal Org (UK)", invoices: 100, counts: { manualJournals: 1300 } },
      { name: "Paging Org (NZ)", invoices: 100, counts: { manualJournals: 2100 } },
    ]);
    tenant = world.user.tenants.find((t) => t.name === "Journal Org (UK)")!;
    paging = world.user.tenants.find((t) => t.name === "Paging Org (NZ)")!;
  });
  afterAll(() => world?.close());

  it("mirrors every journal and every line on the first sync, asking with page and pageSize 1000", async () => {
    const before = (await apiLog(world.sim, tenant.xeroTenantId)).lastSeq;
    const result = await sync(world, tenant);
    const total = await expectMirrors(world, tenant);
    expect(total).toBe(1300);
    expect(result.inserted).toBe(1300);
    expect(result.pages).toBeLessThanOrEqual(3);
    const requests = (await apiLog(world.sim, tenant.xeroTenantId, before)).entries.filter((e) => e.path.endsWith("/ManualJournals"));
    expect(requests.length).toBe(result.pages);
    for (const r of requests) expect(r.query).toMatchObject({ pageSize: "1000", order: "UpdatedDateUTC ASC", page: expect.stringMatching(/^\d+$/) });
    const [lines] = await world.db.db.select({ n: count() }).from(manualJournalLines).where(eq(manualJournalLines.tenantId, tenant.id));
    expect(lines!.n).toBeGreaterThanOrEqual(2 * 1300);
  });

  it("brings over only the journals that changed; an edited journal's lines are replaced, an unchanged one's left as written", async () => {
    // A mark on one line of a journal Xero does not change: rewriting it would erase the mark.
    const [kept] = await world.db.db.select().from(manualJournals).where(and(eq(manualJournals.tenantId, tenant.id), eq(manualJournals.status, "POSTED"))).limit(1);
    const keptLine = and(eq(manualJournalLines.tenantId, tenant.id), eq(manualJournalLines.manualJournalId, kept!.manualJournalId), eq(manualJournalLines.lineNumber, 1));
    await world.db.db.update(manualJournalLines).set({ description: "left alone" }).where(keptLine);

    // Xero edits drafts only; the seed has a few recent ones.
    const edited = await mutate(world, tenant, 5, ["edit"]);
    const posted = await mutate(world, tenant, 2, ["post"]);
    const created = await mutate(world, tenant, 3, ["create"]);
    expect(edited).toHaveLength(5);
    const editedIds = edited.map((c) => c.id);
    const linesOf = async (id: string) =>
      world.db.db.select().from(manualJournalLines).where(and(eq(manualJournalLines.tenantId, tenant.id), eq(manualJournalLines.manualJournalId, id))).orderBy(asc(manualJournalLines.lineNumber));
    const before = await Promise.all(editedIds.map(linesOf));

    const result = await sync(world, tenant);
    expect(result.inserted).toBe(created.length);
    expect(result.updated).toBe(new Set([...editedIds, ...posted.map((c) => c.id)]).size);
    expect(result.pages).toBe(1);
    await expectMirrors(world, tenant);
    // An edit in Xero gives the journal new lines: the stored ones are replaced, not added to.
    const after = await Promise.all(editedIds.map(linesOf));
    expect(after.some((lines, i) => JSON.stringify(lines.map((l) => [l.accountCode, l.lineAmount])) !== JSON.stringify(before[i]!.map((l) => [l.accountCode, l.lineAmount])))).toBe(true);
    for (const lines of after) expect(lines.map((l) => l.lineNumber)).toEqual(lines.map((_, i) => i + 1));
    const [mark] = await world.db.db.select().from(manualJournalLines).where(keptLine);
    expect(mark?.description).toBe("left alone");
  });

  it("a sync with nothing new makes one call and writes nothing", async () => {
    const [linesBefore] = await world.db.db.select({ n: count() }).from(manualJournalLines).where(eq(manualJournalLines.tenantId, tenant.id));
    const result = await sync(world, tenant);
    expect(result.calls).toBeLessThanOrEqual(1);
    expect(result.inserted + result.updated).toBe(0);
    const [linesAfter] = await world.db.db.select({ n: count() }).from(manualJournalLines).where(eq(manualJournalLines.tenantId, tenant.id));
    expect(linesAfter!.n).toBe(linesBefore!.n);
  });

  it("keeps deleted drafts as DELETED and voided posted journals as VOIDED, lines and all", async () => {
    const deleted = await mutate(world, tenant, 3, ["delete"]);
    const voided = await mutate(world, tenant, 3, ["void"]);
    expect(deleted.length + voided.length).toBe(6);
    const result = await sync(world, tenant);
    expect(result.updated).toBe(6);
    await expectMirrors(world, tenant);
    const rows = await world.db.db.select().from(manualJournals).where(eq(manualJournals.tenantId, tenant.id));
    const byId = new Map(rows.map((r) => [r.manualJournalId, r]));
    for (const c of deleted) expect(byId.get(c.id)).toMatchObject({ status: "DELETED", deletedInXeroAt: null });
    for (const c of voided) expect(byId.get(c.id)).toMatchObject({ status: "VOIDED", deletedInXeroAt: null });
  });

  it("edits made while the first sync pages are all mirrored at its end", async () => {
    await ctl(world.sim, "POST", "/__sim/faults", {
      faults: [{ kind: "mutate-between-pages", tenantId: paging.xeroTenantId, path: "/ManualJournals", entity: ENTITY, count: 25, kinds: ["edit", "post", "void"], times: 2 }],
    });
    const result = await sync(world, paging);
    expect(await ctl<unknown[]>(world.sim, "GET", "/__sim/faults")).toEqual([]); // both edits happened
    expect(result.pages).toBeGreaterThanOrEqual(3);
    await expectMirrors(world, paging);
  });

  it("needs accounting.manualjournals.read or the broad transactions scopes: without them the entity is unavailable and Xero is not asked", async () => {
    const grant = eq(xeroConnections.id, world.user.connectionId);
    const [{ scopes } = { scopes: "" }] = await world.db.db.select({ scopes: xeroConnections.scopes }).from(xeroConnections).where(grant);
    try {
      await world.db.db.update(xeroConnections).set({ scopes: "openid offline_access accounting.contacts.read accounting.settings.read" }).where(grant);
      const before = (await apiLog(world.sim, tenant.xeroTenantId)).lastSeq;
      const result = await syncTenant(world.db.db, { tenantId: tenant.id, trigger: "manual", entities: [ENTITY] });
      expect(result.status === "success" && result.entities[0]).toMatchObject({ outcome: "unavailable" });
      expect((await apiLog(world.sim, tenant.xeroTenantId, before)).entries.filter((e) => e.path.endsWith("/ManualJournals"))).toEqual([]);
      const [cursor] = await world.db.db.select().from(syncCursors).where(and(eq(syncCursors.tenantId, tenant.id), eq(syncCursors.entity, ENTITY)));
      expect(cursor?.unavailableReason).toContain("accounting.manualjournals.read");
      // The granular scope alone (apps created after March 2026 get no broad ones) is enough.
      await world.db.db.update(xeroConnections).set({ scopes: "openid offline_access accounting.manualjournals.read" }).where(grant);
      expect(await syncTenant(world.db.db, { tenantId: tenant.id, trigger: "manual", entities: [ENTITY] })).toMatchObject({ status: "success", entities: [{ outcome: "success" }] });
    } finally {
      await world.db.db.update(xeroConnections).set({ scopes }).where(grant);
    }
  });
});
