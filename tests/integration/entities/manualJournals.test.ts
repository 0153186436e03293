/**
 * Manual journals on the keyset contract (keyset-contract.ts), and what is theirs: their lines,
 * rows of manual_journal_lines in Xero's order, written with their journal, replaced when it
 * changes and left as written when it does not; and the granular scope alone reads them.
 */
import { and, asc, eq } from "drizzle-orm";
import { expect, it } from "vitest";
import { manualJournalLines, manualJournals, xeroConnections } from "@/lib/db/schema";
import { syncTenant } from "@/lib/sync";
import { manualJournalsTruth } from "@/tests/helpers/entity-truth/manualJournals";
import { apiLog } from "../sync/harness";
import { describeKeysetEntity, expectTruth } from "./keyset-contract";

describeKeysetEntity(
  {
    entity: "manualJournals",
    count: 1300,
    smallCount: 300,
    invoices: 400,
    truth: manualJournalsTruth,
    changeKinds: ["create", "edit", "post"],
    cancelKinds: { void: "VOIDED", delete: "DELETED" },
  },
  ({ world, big, sync, mutate }) => {
    it("lines: written with their journal, replaced when it changes, left as written when it does not", async () => {
      const db = world().db.db;
      const t = big();
      const linesOf = (id: string) =>
        db.select().from(manualJournalLines).where(and(eq(manualJournalLines.tenantId, t.id), eq(manualJournalLines.manualJournalId, id))).orderBy(asc(manualJournalLines.lineNumber));
      // A mark on a line of a journal Xero does not change: rewriting its lines would erase it.
      const [kept] = await db.select().from(manualJournals).where(and(eq(manualJournals.tenantId, t.id), eq(manualJournals.status, "POSTED"))).limit(1);
      const keptLine = and(eq(manualJournalLines.tenantId, t.id), eq(manualJournalLines.manualJournalId, kept!.manualJournalId), eq(manualJournalLines.lineNumber, 1));
      await db.update(manualJournalLines).set({ description: "left alone" }).where(keptLine);

      // Xero edits drafts only: an edit gives the journal new lines.
      const edited = (await mutate(t, ["edit"], 4)).filter((c) => c.entity === "manualJournals" && c.id !== kept!.manualJournalId);
      expect(edited.length).toBeGreaterThan(0);
      const before = await Promise.all(edited.map((c) => linesOf(c.id)));
      const e = await sync(t);
      expect(e.updated).toBe(edited.length);
      await expectTruth(manualJournalsTruth, world(), t);
      const after = await Promise.all(edited.map((c) => linesOf(c.id)));
      const amounts = (lines: { accountCode: string | null; lineAmount: string | null }[]) => JSON.stringify(lines.map((l) => [l.accountCode, l.lineAmount]));
      expect(after.some((lines, i) => amounts(lines) !== amounts(before[i]!))).toBe(true);
      for (const lines of after) expect(lines.map((l) => l.lineNumber)).toEqual(lines.map((_, i) => i + 1));
      expect((await db.select().from(manualJournalLines).where(keptLine))[0]?.description).toBe("left alone");
    });

    it("the granular scope accounting.manualjournals.read alone reads them; without it or the broad ones they are unavailable", async () => {
      const db = world().db.db;
      const t = big();
      const grant = eq(xeroConnections.id, world().user.connectionId);
      const [{ scopes } = { scopes: "" }] = await db.select({ scopes: xeroConnections.scopes }).from(xeroConnections).where(grant);
      try {
        await db.update(xeroConnections).set({ scopes: "openid offline_access accounting.invoices.read accounting.banktransactions.read" }).where(grant);
        const before = (await apiLog(world().sim, t.xeroTenantId)).lastSeq;
        expect(await syncTenant(db, { tenantId: t.id, trigger: "manual", entities: ["manualJournals"] })).toMatchObject({ status: "success", entities: [{ outcome: "unavailable" }] });
        expect((await apiLog(world().sim, t.xeroTenantId, before)).entries.filter((e) => e.path.endsWith("/ManualJournals"))).toEqual([]);
        await db.update(xeroConnections).set({ scopes: "openid offline_access accounting.manualjournals.read" }).where(grant);
        expect(await syncTenant(db, { tenantId: t.id, trigger: "manual", entities: ["manualJournals"] })).toMatchObject({ status: "success", entities: [{ outcome: "success" }] });
      } finally {
        await db.update(xeroConnections).set({ scopes }).where(grant);
      }
    });
  },
);
