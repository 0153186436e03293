import type { EntityDetail, EntityRow } from "@/lib/entities/read-model";
import { lineItemsOf, paymentsOf, receivablesOf, xeroInvoiceUrl } from "@/lib/entities/read-model-extras";
import { formatDate, formatMoney } from "@/app/(dashboard)/_components/format";
import { Table, Td, Th } from "@/app/(dashboard)/_components/table";
import { ReceivableCell } from "./receivables";

/**
 * The few things some entities show beyond what their definition's view gives every entity:
 * extra list columns (a contact's receivables), actions in the detail header (Open in Xero) and
 * sections of the detail page (an invoice's line items and payments, a contact's receivables).
 * The generic pages render these when the entity has them.
 */
export interface PageExtras {
  listColumns?: { header: string; align?: "left" | "right"; cell: (row: EntityRow) => React.ReactNode }[];
  headerActions?: (detail: EntityDetail) => React.ReactNode;
  detailSections?: (detail: EntityDetail) => React.ReactNode;
}

function OpenInXero({ href }: { href: string }) {
  return (
    <a href={href} target="_blank" rel="noopener noreferrer" className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-medium text-slate-700 shadow-sm hover:bg-slate-50">
      Open in Xero <span aria-hidden="true">↗</span>
      <span className="sr-only"> (opens in a new tab)</span>
    </a>
  );
}

function InvoiceLines({ detail }: { detail: EntityDetail }) {
  const inv = detail.row.values;
  const cur = inv.currencyCode as string | null;
  const lines = lineItemsOf(detail.record.raw);
  const payments = paymentsOf(detail.record.raw);
  return (
    <>
      <section aria-labelledby="lines" className="mb-6">
        <h2 id="lines" className="mb-2 text-base font-semibold text-ink">
          Line items
        </h2>
        {lines.length === 0 ? (
          <p className="text-sm text-slate-600">Xero sent no line items for this invoice (summary only).</p>
        ) : (
          <Table caption="Line items">
            <thead>
              <tr>
                <Th>Description</Th>
                <Th align="right">Qty</Th>
                <Th align="right">Unit price</Th>
                <Th>Account</Th>
                <Th>Tax</Th>
                <Th align="right">Amount</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {lines.map((l, i) => (
                <tr key={i}>
                  <Td className="max-w-[28rem] whitespace-normal">{l.description || "—"}</Td>
                  <Td align="right">{l.quantity ?? "—"}</Td>
                  <Td align="right">{formatMoney(l.unitAmount, cur)}</Td>
                  <Td>{l.accountCode ?? "—"}</Td>
                  <Td>{l.taxType ?? "—"}</Td>
                  <Td align="right">{formatMoney(l.lineAmount, cur)}</Td>
                </tr>
              ))}
            </tbody>
            <tfoot className="border-t border-slate-200 bg-slate-50 text-sm">
              {[
                [`Subtotal (${(inv.lineAmountTypes as string | null) ?? "—"})`, inv.subTotal],
                ["Tax", inv.totalTax],
                ["Total", inv.total],
              ].map(([label, amount]) => (
                <tr key={label as string}>
                  <td colSpan={5} className="px-3 py-2 text-right text-slate-600">
                    {label as string}
                  </td>
                  <td className="px-3 py-2 text-right tabular-nums">{formatMoney(amount as string | null, cur)}</td>
                </tr>
              ))}
            </tfoot>
          </Table>
        )}
      </section>
      <section aria-labelledby="payments" className="mb-6">
        <h2 id="payments" className="mb-2 text-base font-semibold text-ink">
          Payments
        </h2>
        {payments.length === 0 ? (
          <p className="rounded-lg border border-slate-200 bg-white p-4 text-sm text-slate-600 shadow-sm">No payments recorded.</p>
        ) : (
          <Table caption="Payments">
            <thead>
              <tr>
                <Th>Date</Th>
                <Th>Reference</Th>
                <Th align="right">Amount</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {payments.map((p, i) => (
                <tr key={i}>
                  <Td>{formatDate(p.date)}</Td>
                  <Td>{p.reference ?? "—"}</Td>
                  <Td align="right">{formatMoney(p.amount, cur)}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </section>
    </>
  );
}

function ContactReceivables({ detail }: { detail: EntityDetail }) {
  const list = receivablesOf(detail.row);
  return (
    <section aria-label="Receivables" className="mb-6 grid gap-3 sm:grid-cols-2">
      <div className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
        <p className="text-sm text-slate-500">Outstanding receivables</p>
        <p className="mt-1 text-xl font-semibold tabular-nums text-ink">
          <ReceivableCell list={list} kind="outstanding" />
        </p>
      </div>
      <div className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
        <p className="text-sm text-slate-500">Overdue</p>
        <p className="mt-1 text-xl font-semibold tabular-nums">
          <ReceivableCell list={list} kind="overdue" />
        </p>
      </div>
    </section>
  );
}

const EXTRAS: Record<string, PageExtras> = {
  invoices: {
    headerActions: (d) => {
      const shortCode = (d.record.raw as { ShortCode?: unknown } | null)?.ShortCode;
      return <OpenInXero href={xeroInvoiceUrl({ invoiceId: d.row.id, type: String(d.row.values.type) }, typeof shortCode === "string" ? shortCode : null)} />;
    },
    detailSections: (d) => <InvoiceLines detail={d} />,
  },
  contacts: {
    listColumns: [
      { header: "Outstanding", align: "right", cell: (r) => <ReceivableCell list={receivablesOf(r)} kind="outstanding" /> },
      { header: "Overdue", align: "right", cell: (r) => <ReceivableCell list={receivablesOf(r)} kind="overdue" /> },
    ],
    detailSections: (d) => <ContactReceivables detail={d} />,
  },
};

export function pageExtras(name: string): PageExtras {
  return EXTRAS[name] ?? {};
}
