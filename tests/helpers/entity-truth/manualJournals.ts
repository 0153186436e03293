/**
 * Manual journals of one organisation, with their lines in order: the simulator's truth
 * (/__sim/state) and the mirror's rows, projected onto what the sync must get right, sorted by id
 * (see mirror-compare.ts).
 */
import { asc, eq } from "drizzle-orm";
import type { Db } from "@/lib/db";
import { manualJournalLines, manualJournals } from "@/lib/db/schema";
import { simControl, type SimEndpoint } from "../sim-control";

export interface ManualJournalLineView {
  accountCode: string | null;
  accountId: string | null;
  lineAmount: string | null;
}

export interface ManualJournalView {
  id: string;
  status: string;
  narration: string;
  date: string | null;
  showOnCashBasisReports: boolean;
  lines: ManualJournalLineView[];
  updatedDateUtc: string;
}

const money2 = (v: string | null) => (v === null ? null : Number(v).toFixed(2));
const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);

export async function manualJournalsTruth(db: Db, sim: SimEndpoint, tenant: { id: string; xeroTenantId: string }): Promise<{ want: ManualJournalView[]; got: ManualJournalView[] }> {
  const [state, rows, lines] = await Promise.all([
    simControl<ManualJournalView[]>(sim, "GET", `/__sim/state?tenantId=${encodeURIComponent(tenant.xeroTenantId)}&entity=manualJournals`),
    db.select().from(manualJournals).where(eq(manualJournals.tenantId, tenant.id)),
    db.select().from(manualJournalLines).where(eq(manualJournalLines.tenantId, tenant.id)).orderBy(asc(manualJournalLines.manualJournalId), asc(manualJournalLines.lineNumber)),
  ]);
  const linesOf = new Map<string, ManualJournalLineView[]>();
  for (const l of lines) {
    const list = linesOf.get(l.manualJournalId) ?? [];
    list.push({ accountCode: l.accountCode, accountId: l.accountId, lineAmount: money2(l.lineAmount) });
    linesOf.set(l.manualJournalId, list);
  }
  return {
    want: state
      .map((s) => ({
        id: s.id,
        status: s.status,
        narration: s.narration,
        date: s.date,
        showOnCashBasisReports: s.showOnCashBasisReports,
        lines: s.lines.map((l) => ({ accountCode: l.accountCode, accountId: l.accountId, lineAmount: l.lineAmount })),
        updatedDateUtc: s.updatedDateUtc,
      }))
      .sort(byId),
    got: rows
      .map((r) => ({
        id: r.manualJournalId,
        status: r.status,
        narration: r.narration,
        date: r.date,
        showOnCashBasisReports: r.showOnCashBasisReports,
        lines: linesOf.get(r.manualJournalId) ?? [],
        updatedDateUtc: r.xeroUpdatedAt.toISOString(),
      }))
      .sort(byId),
  };
}
