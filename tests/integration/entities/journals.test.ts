/**
 * Journals over HTTP: Xero's `offset` paging (JournalNumber above the offset, ascending, 100 an
 * answer), resumed from the committed position, never rewritten; and the scope only Advanced-plan
 * organisations grant: without it journals are "unavailable" (no call, the plan's message) while
 * the other entities sync on, whether the grant says so or Xero's 401 does.
 */
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { journalLines, journals, syncCursors, xeroConnections } from "@/lib/db/schema";
import { journalsEntity } from "@/lib/entities/journals";
import { SYNC_ENTITIES } from "@/lib/entities/registry";
import { syncTenant, type EntitySyncResult, type SyncResult } from "@/lib/sync";
import { journalViews } from "@/tests/helpers/entity-truth/journals";
import { connectSimUser, SIM_SCOPES } from "@/tests/helpers/sim-connect";
import { createWorld, ctl, type SyncWorld } from "../sync/harness";
import { observedSource, type ObservedSource } from "./settings-harness";

type Tenant = SyncWorld["user"]["tenants"][number];
const PLAN_MESSAGE = journalsEntity.xero.scopeUnavailable!;

describe("journals: offset walk, resumable, never rewritten; the Advanced-plan scope", () => {
  let world: SyncWorld;
  /** Granted accounting.journals.read. */
  let ledger: Tenant;
  /** The same organisation through a grant without it (the default test grant). */
  let plain: Tenant;
  let source: ObservedSource;
  let total = 0;

  const run = async (tenant: Tenant, options: { entities?: string[]; full?: boolean; signal?: AbortSignal; onProgress?: Parameters<typeof syncTenant>[1]["onProgress"] } = {}) => {
    // The simulator has no limits here but counts X-MinLimit-Remaining down: pacing against it
    // would wait out a minute once the walks of 100 journals a page pass 60 calls.
    const result = await syncTenant(world.db.db, { tenantId: tenant.id, trigger: "manual", source, entities: options.entities ?? ["journals"], callOptions: { pacing: false }, ...options });
    if (!("sessionId" in result) || !("entities" in result)) throw new Error(result.status);
    return result as Extract<SyncResult, { entities: EntitySyncResult[] }>;
  };
  const of = (r: { entities: EntitySyncResult[] }, name: string) => r.entities.find((e) => e.entity === name)!;
  const cursor = async (tenant: Tenant) => (await world.db.db.select().from(syncCursors).where(and(eq(syncCursors.tenantId, tenant.id), eq(syncCursors.entity, "journals"))))[0];
  const expectTruth = async (tenant: Tenant) => {
    const v = await journalViews(world.db.db, world.sim, tenant);
    expect(v.got.length).toBe(v.want.length);
    expect(v.got).toEqual(v.want);
    return v;
  };
  const journalRows = async (tenant: Tenant) => (await world.db.db.select({ n: sql<number>`count(*)::int` }).from(journals).where(eq(journals.tenantId, tenant.id)))[0]!.n;

  beforeAll(async () => {
    world = await createWorld([{ name: "Ledger Org (AU)", invoices: 1500, contacts: 100 }]);
    plain = world.user.tenants[0]!;
    ledger = (await connectSimUser(world.db.db, world.sim, undefined, [...SIM_SCOPES, "accounting.journals.read"])).tenants[0]!;
    source = observedSource();
    total = (await ctl<{ counts: Record<string, number> }[]>(world.sim, "GET", "/__sim/tenants"))[0]!.counts.journals!;
  });
  afterAll(() => world?.close());

  it("a grant without accounting.journals.read: journals unavailable with the plan's message, no call, the other entities sync on", async () => {
    // Every entity, journals included (an installation that enabled them in XERO_SYNC_ENTITIES).
    const r = await run(plain, { entities: [...SYNC_ENTITIES] });
    expect(r.status).toBe("success");
    expect(of(r, "journals")).toMatchObject({ outcome: "unavailable", error: PLAN_MESSAGE, pages: 0 });
    expect(source.requests.filter((q) => q.entity === "journals")).toEqual([]);
    for (const e of r.entities.filter((x) => x.entity !== "journals")) expect(e.outcome).toBe("success");
    expect(of(r, "accounts").inserted).toBeGreaterThan(0);
    expect((await cursor(plain))!.unavailableReason).toBe(PLAN_MESSAGE);
    expect(PLAN_MESSAGE).toMatch(/Advanced plan/);
    expect(PLAN_MESSAGE).not.toMatch(/[Rr]econnect/);
    source.take("journals");
  });

  it(`first sync of more than 2,500 journals, 100 an answer, interrupted after 3 answers: resumes from the committed position`, async () => {
    expect(total).toBeGreaterThan(2500);
    const stop = new AbortController();
    const first = await run(ledger, {
      signal: stop.signal,
      onProgress: (e) => {
        if (e.entity === "journals" && e.page === 3) stop.abort();
      },
    });
    expect(first.status).toBe("interrupted");
    expect(source.take("journals").map((q) => q.offset)).toEqual([0, 100, 200]);
    expect((await cursor(ledger))!.position).toBe(300);
    expect(await journalRows(ledger)).toBe(300);

    const rest = await run(ledger);
    expect(rest.status).toBe("success");
    const j = of(rest, "journals");
    const asked = source.take("journals").map((q) => q.offset);
    // From the committed position, each answer's last JournalNumber the next offset, to the first short answer.
    expect(asked[0]).toBe(300);
    expect(asked).toEqual(Array.from({ length: asked.length }, (_, i) => 300 + i * 100));
    expect(asked.length).toBe(Math.floor((total - 300) / 100) + 1);
    expect(j).toMatchObject({ inserted: total - 300, updated: 0, positionBefore: 300, positionAfter: total });
    expect((await cursor(ledger))!.position).toBe(total);
    const v = await expectTruth(ledger);
    expect(v.lineRows).toBe(v.want.reduce((n, x) => n + x.lines.length, 0));
    expect(v.lineRows).toBeGreaterThan(total * 2);
  });

  it("no-op: one call from the position, nothing written", async () => {
    const r = await run(ledger);
    expect(r.calls).toBe(1);
    expect(source.take("journals")).toEqual([{ offset: total }]);
    expect(of(r, "journals")).toMatchObject({ inserted: 0, updated: 0, fetched: 0 });
  });

  it("what documents post later (voids, payments) arrives as new journals; nothing stored is rewritten", async () => {
    await ctl(world.sim, "POST", "/__sim/mutate", { tenantId: ledger.xeroTenantId, entity: "invoices", count: 5, kinds: ["void", "pay"] });
    const after = (await ctl<{ counts: Record<string, number> }[]>(world.sim, "GET", "/__sim/tenants"))[0]!.counts.journals!;
    expect(after).toBeGreaterThan(total);
    const linesBefore = await world.db.db.select({ n: sql<number>`count(*)::int` }).from(journalLines).where(eq(journalLines.tenantId, ledger.id));
    const r = await run(ledger);
    expect(of(r, "journals")).toMatchObject({ inserted: after - total, updated: 0, positionAfter: after });
    const v = await expectTruth(ledger);
    expect(v.lineRows).toBeGreaterThan(linesBefore[0]!.n);
    total = after;
  });

  it("a full re-walk from offset 0 while Xero posts journals between its answers: everything, the new ones included, and no stored journal rewritten", async () => {
    await ctl(world.sim, "POST", "/__sim/faults", {
      faults: [{ kind: "mutate-between-pages", tenantId: ledger.xeroTenantId, path: "/Journals", entity: "invoices", skip: 4, times: 2, count: 3, kinds: ["void", "pay"] }],
    });
    source.take("journals");
    const synced = await world.db.db.select({ id: journals.journalId, lastSyncedAt: journals.lastSyncedAt }).from(journals).where(eq(journals.tenantId, ledger.id));
    const r = await run(ledger, { full: true });
    expect(r.status).toBe("success");
    expect((await ctl<unknown[]>(world.sim, "GET", "/__sim/faults")).length).toBe(0);
    const after = (await ctl<{ counts: Record<string, number> }[]>(world.sim, "GET", "/__sim/tenants"))[0]!.counts.journals!;
    expect(after).toBeGreaterThan(total);
    expect(source.take("journals")[0]).toEqual({ offset: 0 });
    expect(of(r, "journals")).toMatchObject({ inserted: after - total, updated: 0, positionAfter: after });
    const now = await world.db.db.select({ id: journals.journalId, lastSyncedAt: journals.lastSyncedAt }).from(journals).where(eq(journals.tenantId, ledger.id));
    const was = new Map(synced.map((s) => [s.id, s.lastSyncedAt.getTime()]));
    expect(now.filter((n) => was.has(n.id) && was.get(n.id) !== n.lastSyncedAt.getTime())).toEqual([]);
    await expectTruth(ledger);
    total = after;
  });

  it("a grant that claims the scope but Xero answers 401 insufficient_scope: unavailable the same way, the other entities sync on", async () => {
    await world.db.db
      .update(xeroConnections)
      .set({ scopes: [...SIM_SCOPES, "accounting.journals.read"].join(" ") })
      .where(eq(xeroConnections.id, world.user.connectionId));
    const r = await run(plain, { entities: ["journals", "items"] });
    expect(r.status).toBe("success");
    expect(of(r, "journals")).toMatchObject({ outcome: "unavailable", error: PLAN_MESSAGE, inserted: 0 });
    expect(source.take("journals")).toEqual([{ offset: 0 }]); // asked once; a refused scope is not retried
    expect(of(r, "items")).toMatchObject({ outcome: "success" });
    expect((await cursor(plain))!.unavailableReason).toBe(PLAN_MESSAGE);
    expect(await journalRows(plain)).toBe(0);
  });
});
