/**
 * Bank transactions of one organisation: the simulator's truth (/__sim/state) and the mirror's
 * rows, projected onto what the sync must get right, sorted by id (see mirror-compare.ts).
 */
import { eq } from "drizzle-orm";
import type { Db } from "@/lib/db";
import { bankTransactions } from "@/lib/db/schema";
import { simControl, type SimEndpoint } from "../sim-control";

export interface BankTransactionView {
  id: string;
  type: string;
  status: string;
  bankAccountId: string | null;
  bankAccountCode: string | null;
  contactId: string | null;
  currency: string | null;
  lineAmountTypes: string | null;
  date: string | null;
  subTotal: string | null;
  totalTax: string | null;
  total: string | null;
  isReconciled: boolean;
  reference: string;
  overpaymentId: string | null;
  prepaymentId: string | null;
  updatedDateUtc: string;
}

/** Money as the simulator prints it (2 decimals) from a numeric(19,4) string. */
const money2 = (v: string | null) => (v === null ? null : Number(v).toFixed(2));
const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);

export async function bankTransactionsTruth(db: Db, sim: SimEndpoint, tenant: { id: string; xeroTenantId: string }): Promise<{ want: BankTransactionView[]; got: BankTransactionView[] }> {
  const [state, rows] = await Promise.all([
    simControl<(BankTransactionView & Record<string, unknown>)[]>(sim, "GET", `/__sim/state?tenantId=${encodeURIComponent(tenant.xeroTenantId)}&entity=bankTransactions`),
    db.select().from(bankTransactions).where(eq(bankTransactions.tenantId, tenant.id)),
  ]);
  return {
    want: state
      .map((s) => ({
        id: s.id,
        type: s.type,
        status: s.status,
        bankAccountId: s.bankAccountId,
        bankAccountCode: s.bankAccountCode,
        contactId: s.contactId,
        currency: s.currency,
        lineAmountTypes: s.lineAmountTypes,
        date: s.date,
        subTotal: s.subTotal,
        totalTax: s.totalTax,
        total: s.total,
        isReconciled: s.isReconciled,
        reference: s.reference,
        overpaymentId: s.overpaymentId,
        prepaymentId: s.prepaymentId,
        updatedDateUtc: s.updatedDateUtc,
      }))
      .sort(byId),
    got: rows
      .map((r) => ({
        id: r.bankTransactionId,
        type: r.type,
        status: r.status,
        bankAccountId: r.bankAccountId,
        bankAccountCode: r.bankAccountCode,
        contactId: r.contactId,
        currency: r.currencyCode,
        lineAmountTypes: r.lineAmountTypes,
        date: r.date,
        subTotal: money2(r.subTotal),
        totalTax: money2(r.totalTax),
        total: money2(r.total),
        isReconciled: r.isReconciled,
        // Xero sends an empty Reference; the mirror keeps no empty strings.
        reference: r.reference ?? "",
        overpaymentId: r.overpaymentId,
        prepaymentId: r.prepaymentId,
        updatedDateUtc: r.xeroUpdatedAt.toISOString(),
      }))
      .sort(byId),
  };
}
