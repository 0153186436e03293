/**
 * Overpayments (GET /Overpayments): money received from a customer (or paid to a supplier) beyond
 * what was owed, made with a bank transaction (RECEIVE-OVERPAYMENT / SPEND-OVERPAYMENT) and then
 * allocated to the contact's invoices. AUTHORISED, PAID (fully allocated) or VOIDED; never DELETED.
 */
import { addLinkedTransaction, voidLinkedTransaction } from "./bankTransactions";
import { creditFixture } from "./credits";

export const overpayments = creditFixture({
  name: "overpayments",
  endpoint: "Overpayments",
  idKey: "OverpaymentID",
  type: { ACCREC: "RECEIVE-OVERPAYMENT", ACCPAY: "SPEND-OVERPAYMENT" },
  scopes: ["accounting.transactions", "accounting.transactions.read", "accounting.invoices", "accounting.invoices.read"],
  perInvoice: 0.0015,
  minimum: 2,
  linesOnlyPaged: false,
  drafts: false,
  number: () => "",
  created: (t, c) => addLinkedTransaction(t, "overpayments", c),
  voided: voidLinkedTransaction,
});
