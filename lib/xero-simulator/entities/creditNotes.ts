/**
 * Credit notes (GET /CreditNotes): customer (ACCRECCREDIT) and supplier (ACCPAYCREDIT) credits,
 * DRAFT → SUBMITTED → AUTHORISED → PAID (fully allocated), VOIDED, DELETED. Line items only when
 * `page` is sent, as for invoices. Xero sends CREDITNOTE webhooks for them.
 */
import { int } from "../prng";
import { creditFixture } from "./credits";

export const creditNotes = creditFixture({
  name: "creditNotes",
  endpoint: "CreditNotes",
  idKey: "CreditNoteID",
  type: { ACCREC: "ACCRECCREDIT", ACCPAY: "ACCPAYCREDIT" },
  scopes: ["accounting.transactions", "accounting.transactions.read", "accounting.invoices", "accounting.invoices.read"],
  perInvoice: 0.04,
  linesOnlyPaged: true,
  drafts: true,
  number(t, side, r) {
    if (side === "ACCPAY") return `SCN-${int(r, 1000, 99999)}`; // the supplier's own number
    t.counters.creditNotes = (t.counters.creditNotes ?? 0) + 1;
    return `CN-${String(t.counters.creditNotes).padStart(5, "0")}`;
  },
  extra: (_t, c) => (c.side === "ACCREC" ? { SentToContact: c.status !== "DRAFT" } : {}),
  webhooks: { eventCategory: "CREDITNOTE" },
});
