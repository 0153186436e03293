/**
 * Journals with their lines (journal_lines rows, in Xero's order): the mirror of one organisation
 * against the simulator's ledger (see accounts.ts).
 */
import { asc, eq } from "drizzle-orm";
import type { Db } from "@/lib/db";
import { journalLines, journals } from "@/lib/db/schema";
import { simControl, type SimEndpoint } from "../sim-control";

export interface JournalView {
  id: string;
  number: number;
  createdDateUtc: string;
  sourceId: string | null;
  sourceType: string | null;
  lines: { accountCode: string | null; net: string | null; tax: string | null }[];
}

/** numeric(19,4) as the simulator prints money (2 decimals), without float arithmetic. */
const money2 = (v: string | null) => (v === null ? null : v.replace(/^(-?\d+)(?:\.(\d{0,2})\d*)?$/, (_m, i: string, d = "") => `${i}.${d.padEnd(2, "0")}`));

export async function journalViews(db: Db, sim: SimEndpoint, tenant: { id: string; xeroTenantId: string }) {
  const [ledger, rows, lines] = await Promise.all([
    simControl<(JournalView & { reversal: boolean })[]>(sim, "GET", `/__sim/state?tenantId=${encodeURIComponent(tenant.xeroTenantId)}&entity=journals`),
    db.select().from(journals).where(eq(journals.tenantId, tenant.id)).orderBy(asc(journals.journalNumber)),
    db.select().from(journalLines).where(eq(journalLines.tenantId, tenant.id)).orderBy(asc(journalLines.journalId), asc(journalLines.position)),
  ]);
  const byJournal = new Map<string, JournalView["lines"]>();
  for (const l of lines) {
    const list = byJournal.get(l.journalId) ?? [];
    list.push({ accountCode: l.accountCode, net: money2(l.netAmount), tax: money2(l.taxAmount) });
    byJournal.set(l.journalId, list);
  }
  return {
    want: ledger.map(({ reversal: _r, ...j }) => j).sort((a, b) => a.number - b.number),
    got: rows.map((r) => ({ id: r.journalId, number: r.journalNumber, createdDateUtc: r.xeroUpdatedAt.toISOString(), sourceId: r.sourceId, sourceType: r.sourceType, lines: byJournal.get(r.journalId) ?? [] })),
    lineRows: lines.length,
  };
}
