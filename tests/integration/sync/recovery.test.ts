import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "@/lib/db";
import { syncCursors, xeroSessions, xeroTenants } from "@/lib/db/schema";
import { SYNC_ENTITIES } from "@/lib/entities/registry";
import { validationError } from "@/lib/http/handler";
import { countRecordsByTenant, mirrorTable } from "@/lib/overview/record-counts";
import { syncTenant, waitForBackgroundSyncs } from "@/lib/sync";
import { startSync } from "@/lib/sync/engine";
import { countEntityRows, recoveryFormSchema, requestRecovery, type RecoveryInput } from "@/lib/sync/recovery";
import { store } from "@/lib/xero-simulator/entities/store";
import { testDbKind } from "@/tests/helpers/db";
import { connectSimUser, SIM_SCOPES } from "@/tests/helpers/sim-connect";
import { apiLog, connectUser, createWorld, ctl, pointEnvAtSimulator, type Connected, type SyncWorld } from "./harness";

/**
 * Recovery of one entity of one organisation, on the real engine against the simulator over HTTP:
 * Xero's records are changed in place without a newer UpdatedDateUTC (as Xero sometimes does), so
 * the incremental walk cannot see it; each recovery must repair exactly what it covers, with no
 * more calls than its walk needs, and clear must touch nobody else's rows.
 */
describe(`recovery on ${testDbKind()}`, () => {
  let world: SyncWorld;
  let org: Connected["tenants"][number];
  let other: Connected["tenants"][number];
  let userB: Connected;
  let orgOfB: Connected["tenants"][number];
  /** The other organisation through a grant with accounting.journals.read. */
  let ledger: Connected["tenants"][number];
  let ledgerUser: string;
  const db = () => world.db.db;
  const simTenant = () => world.sim.sim.tenants.get(org.xeroTenantId)!;

  const recover = async (input: Omit<RecoveryInput, "tenantId"> & { tenantId?: string }, userId = world.user.userId) => {
    const before = (await apiLog(world.sim, org.xeroTenantId)).lastSeq;
    const requested = await requestRecovery(db(), { id: userId }, { tenantId: org.id, ...input });
    await waitForBackgroundSyncs();
    const log = await apiLog(world.sim, org.xeroTenantId, before);
    const [session] = requested.sessionId ? await db().select().from(xeroSessions).where(eq(xeroSessions.id, requested.sessionId)) : [];
    return { requested, session, calls: log.entries.filter((e) => e.path.toLowerCase().startsWith("/api.xro/")).length };
  };
  const invoiceRow = async (id: string) =>
    (await queryRows<{ reference: string | null; raw_reference: string | null }>(db(), sql`select reference, raw->>'Reference' as raw_reference from invoices where tenant_id = ${org.id}::uuid and invoice_id = ${id}::uuid`))[0];
  const cursorOf = async (tenantId: string, entity: string) =>
    (await db().select().from(syncCursors).where(and(eq(syncCursors.tenantId, tenantId), eq(syncCursors.entity, entity))))[0]!;

  beforeAll(async () => {
    world = await createWorld([
      { name: "Demo Company (UK)", invoices: 1500, contacts: 100 },
      { name: "Other Org (NZ)", invoices: 200, contacts: 30 },
    ]);
    org = world.user.tenants.find((t) => t.name === "Demo Company (UK)")!;
    other = world.user.tenants.find((t) => t.name === "Other Org (NZ)")!;
    // Journals too: an installation that enabled them (a grant without their scope syncs the rest).
    pointEnvAtSimulator(world.sim, { XERO_SYNC_ENTITIES: SYNC_ENTITIES.join(",") });
    userB = await connectUser(db(), world.sim, "bookkeeper@example.com");
    const granted = await connectSimUser(db(), world.sim, "ledger@example.com", [...SIM_SCOPES, "accounting.journals.read"]);
    ledger = granted.tenants.find((t) => t.xeroTenantId === other.xeroTenantId)!;
    ledgerUser = granted.userId;
    orgOfB = userB.tenants.find((t) => t.xeroTenantId === org.xeroTenantId)!;
    for (const t of [org, other, orgOfB]) expect((await syncTenant(db(), { tenantId: t.id, trigger: "manual" })).status).toBe("success");
    expect((await syncTenant(db(), { tenantId: ledger.id, trigger: "manual", entities: ["journals"] })).status).toBe("success");
  });
  afterAll(() => world?.close());

  it("re-sync from a date rewrites the rows Xero changed in place after it, and only those, then carries on from where the cursor stood", async () => {
    const sorted = [...simTenant().invoices].sort((a, b) => a.updatedMs - b.updatedMs || a.id.localeCompare(b.id));
    const boundary = sorted.findIndex((r, i) => i >= 1000 && Math.floor(r.updatedMs / 1000) > Math.floor(sorted[i - 1]!.updatedMs / 1000));
    const from = new Date(Math.floor(sorted[boundary]!.updatedMs / 1000) * 1000);
    const before = sorted[100]!;
    const after = sorted[1300]!;
    before.reference = "changed in place (before the date)";
    after.reference = "changed in place (after the date)";
    // The incremental walk cannot see either: their UpdatedDateUTC did not move.
    expect((await syncTenant(db(), { tenantId: org.id, trigger: "manual", entities: ["invoices"] })).status).toBe("success");
    expect((await invoiceRow(after.id))?.reference).not.toBe(after.reference);
    const cursorBefore = (await cursorOf(org.id, "invoices")).highWaterMark;

    const { requested, session, calls } = await recover({ entity: "invoices", kind: "resync", from });
    expect(requested.status).toBe("started");
    expect(session).toMatchObject({ kind: "sync", outcome: "success", entity: "invoices" });
    expect((await invoiceRow(after.id))).toEqual({ reference: after.reference, raw_reference: after.reference });
    expect((await invoiceRow(before.id))?.reference).not.toBe(before.reference);
    const detail = session!.detail as { recovery: Record<string, unknown>; entities: Record<string, { updated: number; inserted: number; cursorBefore: string }> };
    expect(detail.recovery).toEqual({ invoices: { kind: "resync", from: from.toISOString() } });
    expect(detail.entities.invoices).toMatchObject({ updated: 1, inserted: 0, cursorBefore: from.toISOString() });
    // Fewer than a page's worth of records since the date: one answer, no more.
    expect(sorted.length - boundary).toBeLessThan(1000);
    expect(calls).toBe(1);
    expect(session!.apiCalls).toBe(1);
    const cursor = await cursorOf(org.id, "invoices");
    expect(cursor.recovery).toBeNull();
    expect(cursor.highWaterMark!.getTime()).toBeGreaterThanOrEqual(cursorBefore!.getTime());
  });

  it("full refresh repairs what changed in place anywhere and flags hard deletes, in as many calls as the walk has pages", async () => {
    const stale = [...simTenant().invoices].sort((a, b) => a.updatedMs - b.updatedMs)[100]!;
    expect((await invoiceRow(stale.id))?.reference).not.toBe(stale.reference);
    const { session, calls } = await recover({ entity: "invoices", kind: "full" });
    expect(session).toMatchObject({ outcome: "success" });
    expect(await invoiceRow(stale.id)).toEqual({ reference: stale.reference, raw_reference: stale.reference });
    expect((session!.detail as { entities: Record<string, { updated: number }> }).entities.invoices!.updated).toBe(1);
    // 1,500 invoices at 1,000 a page: two answers.
    expect(calls).toBe(2);
    expect(session!.apiCalls).toBe(2);
    expect((await cursorOf(org.id, "invoices")).lastFullSyncAt).not.toBeNull();

    // Items: Xero deletes them outright; one changes in place and one goes.
    const items = store<{ id: string; name: string; updatedMs: number }>(simTenant(), "items").list;
    const renamed = items[0]!;
    renamed.name = "Renamed in place";
    const { changes } = await ctl<{ changes: { id: string }[] }>(world.sim, "POST", "/__sim/mutate", { tenantId: org.xeroTenantId, entity: "items", count: 1, kinds: ["delete"] });
    const gone = changes[0]!.id;
    const item = async (id: string) =>
      (await queryRows<{ name: string | null; deleted: boolean }>(db(), sql`select name, deleted_in_xero_at is not null as deleted from items where tenant_id = ${org.id}::uuid and item_id = ${id}::uuid`))[0];
    // The daily reconciliation is not due yet: the incremental walk sees neither.
    await syncTenant(db(), { tenantId: org.id, trigger: "manual", entities: ["items"] });
    expect(await item(gone)).toMatchObject({ deleted: false });
    const itemsRun = await recover({ entity: "items", kind: "full" });
    expect(itemsRun.calls).toBe(1);
    expect(await item(renamed.id)).toMatchObject({ name: "Renamed in place", deleted: false });
    expect(await item(gone)).toMatchObject({ deleted: true });
    expect((itemsRun.session!.detail as { entities: Record<string, { deletedInXero: number }> }).entities.items!.deletedInXero).toBe(1);
  });

  it("clear and re-sync deletes exactly that entity's rows of that organisation (children and totals too), then fetches them again", async () => {
    const stamps = async (tenantId: string, table: string) =>
      (await queryRows<{ n: string; seq: string | null }>(db(), sql`select count(*)::text as n, max(change_seq)::text as seq from ${sql.raw(table)} where tenant_id = ${tenantId}::uuid`))[0]!;
    const held = await countEntityRows(db(), org.id, "creditNotes");
    expect(held).toBeGreaterThan(0);
    const allocationsBefore = await queryRows<{ n: string }>(db(), sql`select count(*)::text as n from allocations where tenant_id = ${org.id}::uuid and source_entity = 'creditNotes'`);
    const untouched = { b: await stamps(orgOfB.id, "credit_notes"), other: await stamps(other.id, "credit_notes"), invoices: await stamps(org.id, "invoices") };
    const bAllocations = await queryRows<{ n: string }>(db(), sql`select count(*)::text as n from allocations where tenant_id = ${orgOfB.id}::uuid`);

    // Confirmed for another count than is held: refused, nothing deleted.
    await expect(requestRecovery(db(), { id: world.user.userId }, { tenantId: org.id, entity: "creditNotes", kind: "clear", confirmCount: held + 1 })).rejects.toMatchObject({
      type: "conflict",
      publicMessage: expect.stringContaining(`now holds ${held.toLocaleString("en")} credit notes`),
    });
    expect(await countEntityRows(db(), org.id, "creditNotes")).toBe(held);

    const { session } = await recover({ entity: "creditNotes", kind: "clear", confirmCount: held });
    expect(session).toMatchObject({ outcome: "success" });
    const detail = session!.detail as { recovery: Record<string, unknown>; entities: Record<string, { inserted: number }> };
    expect(detail.recovery).toEqual({ creditNotes: { kind: "clear", deleted: held, confirmed: held } });
    expect(detail.entities.creditNotes!.inserted).toBe(held);
    expect(await countEntityRows(db(), org.id, "creditNotes")).toBe(held);
    expect(await queryRows<{ n: string }>(db(), sql`select count(*)::text as n from allocations where tenant_id = ${org.id}::uuid and source_entity = 'creditNotes'`)).toEqual(allocationsBefore);
    // Totals kept right: the summaries count what the table holds.
    const counts = await countRecordsByTenant(db(), [mirrorTable("creditNotes")], [org.id]);
    expect(counts.get("creditNotes")?.get(org.id)).toBe(held);
    // Nobody else's rows were touched: not another user's copy of the same organisation, not another organisation, not another entity.
    expect(await stamps(orgOfB.id, "credit_notes")).toEqual(untouched.b);
    expect(await stamps(other.id, "credit_notes")).toEqual(untouched.other);
    expect(await stamps(org.id, "invoices")).toEqual(untouched.invoices);
    expect(await queryRows<{ n: string }>(db(), sql`select count(*)::text as n from allocations where tenant_id = ${orgOfB.id}::uuid`)).toEqual(bAllocations);
  });

  it("a request made while another sync runs is kept on the cursor and done by the next sync, wherever it runs", async () => {
    const started = await startSync(db(), { tenantId: org.id, trigger: "manual", entities: ["contacts"] });
    if ("status" in started) throw new Error(`no lease: ${started.status}`);
    const requested = await requestRecovery(db(), { id: world.user.userId }, { tenantId: org.id, entity: "taxRates", kind: "full" });
    expect(requested.status).toBe("already_running");
    const running = await started.run();
    expect(running).toMatchObject({ status: "success", followUpRequested: true });
    expect((await cursorOf(org.id, "taxRates")).recovery).toMatchObject({ kind: "full", requestedAt: requested.request.requestedAt });
    expect((await cursorOf(org.id, "taxRates")).recovery?.started).toBeUndefined();
    // A sync that knows nothing of the request (a worker's, the CLI's) honours it: tax rates were
    // refreshed minutes ago, so without it this sync would not ask Xero for them at all.
    const next = await syncTenant(db(), { tenantId: org.id, trigger: "schedule", entities: ["taxRates"] });
    if (next.status !== "success") throw new Error(next.status);
    expect(next.entities[0]).toMatchObject({ entity: "taxRates", outcome: "success", pages: 1, recovery: { kind: "full" } });
    expect(next.entities[0]!.notDue).toBeUndefined();
    expect((await cursorOf(org.id, "taxRates")).recovery).toBeNull();
  });

  it("refuses another user's organisation, what an entity's walk cannot do, and bad input, with the reason", async () => {
    await expect(requestRecovery(db(), { id: userB.userId }, { tenantId: org.id, entity: "invoices", kind: "full" })).rejects.toMatchObject({ type: "not_found" });
    await expect(requestRecovery(db(), { id: world.user.userId, tenantIds: [other.id] }, { tenantId: org.id, entity: "invoices", kind: "full" })).rejects.toMatchObject({ type: "not_found" });
    await expect(requestRecovery(db(), { id: world.user.userId }, { tenantId: org.id, entity: "taxRates", kind: "resync", from: new Date("2026-01-01") })).rejects.toMatchObject({
      type: "bad_request",
      publicMessage: expect.stringContaining("use a full refresh"),
    });
    await expect(requestRecovery(db(), { id: world.user.userId }, { tenantId: org.id, entity: "invoices", kind: "resync", from: new Date(Date.now() + 86_400_000) })).rejects.toMatchObject({
      type: "bad_request",
      publicMessage: "The date to re-sync from is in the future.",
    });
    await expect(requestRecovery(db(), { id: world.user.userId }, { tenantId: org.id, entity: "widgets", kind: "full" })).rejects.toMatchObject({ type: "bad_request", publicMessage: expect.stringContaining("not synced here") });
    await db().update(xeroTenants).set({ status: "needs_reconnect" }).where(eq(xeroTenants.id, org.id));
    try {
      await expect(requestRecovery(db(), { id: world.user.userId }, { tenantId: org.id, entity: "invoices", kind: "full" })).rejects.toMatchObject({ type: "conflict", publicMessage: expect.stringContaining("reconnected") });
    } finally {
      await db().update(xeroTenants).set({ status: "active" }).where(eq(xeroTenants.id, org.id));
    }
    // Nothing was stored by a refused request.
    expect((await cursorOf(org.id, "invoices")).recovery).toBeNull();

    const bad = recoveryFormSchema.safeParse({ tenantId: "nope", entity: "in voices", kind: "resync", from: "2026-13-01" });
    expect(bad.success).toBe(false);
    const fields = (validationError(bad.error!).details as { fieldErrors: Record<string, string[]> }).fieldErrors;
    expect(Object.keys(fields).sort()).toEqual(["entity", "from", "tenantId"]);
    expect(fields.from).toEqual(["must be a date YYYY-MM-DD"]);
    const noCount = recoveryFormSchema.safeParse({ tenantId: org.id, entity: "invoices", kind: "clear", confirmCount: "" });
    expect(noCount.error?.issues.map((i) => i.message)).toEqual(["confirm the number of rows to delete"]);
    expect(recoveryFormSchema.parse({ tenantId: org.id, entity: "invoices", kind: "resync", from: "2026-03-01", confirmCount: "" })).toEqual({
      tenantId: org.id,
      entity: "invoices",
      kind: "resync",
      from: new Date("2026-03-01T00:00:00Z"),
    });
  });

  it("re-sync from a date goes back to the last journal created before it and rewrites those after, up to where the position stood", async () => {
    const rows = await queryRows<{ n: string; created: Date | string }>(db(), sql`select journal_number::text as n, xero_updated_at as created from journals where tenant_id = ${ledger.id}::uuid order by journal_number`);
    const at = (i: number) => new Date(rows[i]!.created).getTime();
    const k = rows.findIndex((_, i) => i >= Math.floor(rows.length * 0.6) && at(i) > at(i - 1));
    const from = new Date(at(k));
    const back = Number(rows[k - 1]!.n);
    const [beforeNo, afterNo] = [Number(rows[10]!.n), Number(rows[k + 5]!.n)];
    const damage = (n: number) => db().execute(sql`update journals set raw = jsonb_set(raw, '{Reference}', '"damaged here"') where tenant_id = ${ledger.id}::uuid and journal_number = ${n}`);
    await damage(beforeNo);
    await damage(afterNo);
    const reference = async (n: number) =>
      (await queryRows<{ r: string | null }>(db(), sql`select raw->>'Reference' as r from journals where tenant_id = ${ledger.id}::uuid and journal_number = ${n}`))[0]!.r;
    const positionBefore = (await db().select().from(syncCursors).where(and(eq(syncCursors.tenantId, ledger.id), eq(syncCursors.entity, "journals"))))[0]!.position;

    const requested = await requestRecovery(db(), { id: ledgerUser }, { tenantId: ledger.id, entity: "journals", kind: "resync", from });
    await waitForBackgroundSyncs();
    const [session] = await db().select().from(xeroSessions).where(eq(xeroSessions.id, requested.sessionId!));
    const result = (session!.detail as { entities: Record<string, { positionBefore: number; positionAfter: number; updated: number; pages: number }> }).entities.journals!;
    expect(result).toMatchObject({ positionBefore: back, positionAfter: positionBefore, updated: 1 });
    // 100 journals an answer from the rewound position, the last one short.
    expect(session!.apiCalls).toBe(Math.floor((rows.length - k) / 100) + 1);
    expect(await reference(afterNo)).not.toBe("damaged here");
    expect(await reference(beforeNo)).toBe("damaged here");
    const cursor = (await db().select().from(syncCursors).where(and(eq(syncCursors.tenantId, ledger.id), eq(syncCursors.entity, "journals"))))[0]!;
    expect(cursor).toMatchObject({ position: positionBefore, recovery: null });
  });
});
