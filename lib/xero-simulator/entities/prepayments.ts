/**
 * Prepayments (GET /Prepayments): money received (or paid) before the invoice exists, made with a
 * bank transaction (RECEIVE-PREPAYMENT / SPEND-PREPAYMENT) and allocated to invoices later.
 * AUTHORISED, PAID (fully allocated) or VOIDED; never DELETED.
 */
import { addLinkedTransaction, voidLinkedTransaction } from "./bankTransactions";
import { creditFixture } from "./credits";

export const prepayments = creditFixture({
  name: "prepayments",
  endpoint: "Prepayments",
  idKey: "PrepaymentID",
  type: { ACCREC: "RECEIVE-PREPAYMENT", ACCPAY: "SPEND-PREPAYMENT" },
  scopes: ["accounting.transactions", "accounting.transactions.read", "accounting.invoices", "accounting.invoices.read"],
  perInvoice: 0.0015,
  minimum: 2,
  linesOnlyPaged: false,
  drafts: false,
  number: () => "",
  created: (t, c) => addLinkedTransaction(t, "prepayments", c),
  voided: voidLinkedTransaction,
});
