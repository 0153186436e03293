/** Payments: the mirror against the simulator's truth (GET /__sim/state?entity=payments). */
import { eq } from "drizzle-orm";
import type { Db } from "@/lib/db";
import { payments } from "@/lib/db/schema";
import type { SimEndpoint } from "../sim-control";
import { byId, money2, rateNumber, simState } from "./allocations";

export interface PaymentView {
  id: string;
  status: string;
  paymentType: string | null;
  invoiceId: string | null;
  invoiceNumber: string | null;
  date: string | null;
  amount: string | null;
  currencyRate: number | null;
  accountId: string | null;
  accountCode: string | null;
  isReconciled: boolean;
  reference: string | null;
  updatedDateUtc: string;
}

export async function paymentsTruth(db: Db, sim: SimEndpoint, tenant: { id: string; xeroTenantId: string }): Promise<{ want: PaymentView[]; got: PaymentView[] }> {
  const [state, rows] = await Promise.all([
    simState<PaymentView & { reference: string }>(sim, tenant.xeroTenantId, "payments"),
    db.select().from(payments).where(eq(payments.tenantId, tenant.id)),
  ]);
  return {
    want: state
      .map((p) => ({
        id: p.id,
        status: p.status,
        paymentType: p.paymentType,
        invoiceId: p.invoiceId,
        invoiceNumber: p.invoiceNumber || null,
        date: p.date,
        amount: p.amount,
        currencyRate: p.currencyRate,
        accountId: p.accountId,
        accountCode: p.accountCode,
        isReconciled: p.isReconciled,
        reference: p.reference || null,
        updatedDateUtc: p.updatedDateUtc,
      }))
      .sort(byId),
    got: rows
      .map((r) => ({
        id: r.paymentId,
        status: r.status,
        paymentType: r.paymentType,
        invoiceId: r.invoiceId,
        invoiceNumber: r.invoiceNumber,
        date: r.date,
        amount: money2(r.amount),
        currencyRate: rateNumber(r.currencyRate),
        accountId: r.accountId,
        accountCode: r.accountCode,
        isReconciled: r.isReconciled,
        reference: r.reference,
        updatedDateUtc: r.xeroUpdatedAt.toISOString(),
      }))
      .sort(byId),
  };
}
