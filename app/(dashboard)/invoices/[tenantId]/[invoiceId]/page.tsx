import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { requireDashboardUser } from "../../../_components/user";
import { getDb } from "@/lib/db";
import { getInvoiceDetail, lineItemsOf, paymentsOf, xeroInvoiceUrl } from "@/lib/invoices/read-model";
import { OutcomeBadge, InvoiceStatusBadge } from "../../../_components/badges";
import { formatDate, formatInt, formatMoney } from "../../../_components/format";
import { Table, Td, Th } from "../../../_components/table";
import { RelativeTime } from "../../../_components/time";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ tenantId: string; invoiceId: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { invoiceId } = await params;
  return { title: `Invoice ${invoiceId.slice(0, 8)}` };
}

export default async function InvoiceDetailPage({ params }: Props) {
  const { tenantId, invoiceId } = await params;
  const user = await requireDashboardUser(`/invoices`);
  const now = new Date();
  const detail = await getInvoiceDetail(await getDb(), user.id, tenantId, invoiceId, now);
  if (!detail) notFound();
  const { invoice: inv, tenant, syncs, overdue } = detail;
  const lines = lineItemsOf(inv.raw);
  const payments = paymentsOf(inv.raw);
  const cur = inv.currencyCode;
  const cancelled = inv.status === "VOIDED" || inv.status === "DELETED";
  const shortCode = (inv.raw as { ShortCode?: unknown } | null)?.ShortCode;

  return (
    <article>
      <nav aria-label="Breadcrumb" className="mb-3 text-sm text-slate-600">
        <Link href="/invoices" className="text-brand-700 hover:underline">
          Invoices
        </Link>{" "}
        / <span>{inv.invoiceNumber ?? "No number"}</span>
      </nav>
      <header className="mb-5 flex flex-wrap items-start justify-between gap-4 rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
        <div>
          <p className="text-xs font-medium uppercase tracking-wide text-slate-500">
            {inv.type === "ACCPAY" ? "Bill" : "Sales invoice"} · {tenant.name}
          </p>
          <h1 className={`mt-1 text-2xl font-semibold tracking-tight text-ink ${cancelled ? "line-through decoration-slate-400" : ""}`}>
            {inv.invoiceNumber ?? "Invoice without a number"}
          </h1>
          <p className="mt-1 text-sm text-slate-600">
            {inv.contactId ? (
              <Link href={`/contacts/${tenant.id}/${inv.contactId}`} className="font-medium text-brand-700 hover:underline">
                {inv.contactName ?? "Contact"}
              </Link>
            ) : (
              (inv.contactName ?? "No contact")
            )}
            {inv.reference ? <> · Ref. {inv.reference}</> : null}
          </p>
          <div className="mt-2 flex flex-wrap items-center gap-2">
            <InvoiceStatusBadge status={inv.status} />
            {overdue ? <InvoiceStatusBadge status={inv.status} overdue /> : null}
            {cancelled ? <span className="text-xs text-slate-500">Excluded from totals</span> : null}
          </div>
        </div>
        <div className="flex flex-col items-end gap-2">
          <a
            href={xeroInvoiceUrl(inv, typeof shortCode === "string" ? shortCode : null)}
            target="_blank"
            rel="noopener noreferrer"
            className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-medium text-slate-700 shadow-sm hover:bg-slate-50"
          >
            Open in Xero <span aria-hidden="true">↗</span>
            <span className="sr-only"> (opens in a new tab)</span>
          </a>
        </div>
      </header>

      <dl className="mb-6 grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6">
        {[
          ["Date", formatDate(inv.date)],
          ["Due date", formatDate(inv.dueDate)],
          ["Total", formatMoney(inv.total, cur)],
          ["Paid", formatMoney(inv.amountPaid, cur)],
          ["Credited", formatMoney(inv.amountCredited, cur)],
          ["Amount due", formatMoney(inv.amountDue, cur)],
        ].map(([k, v]) => (
          <div key={k} className="rounded-lg border border-slate-200 bg-white p-3 shadow-sm">
            <dt className="text-xs text-slate-500">{k}</dt>
            <dd className={`mt-1 font-semibold tabular-nums ${k === "Amount due" && overdue ? "text-red-700" : "text-ink"}`}>{v}</dd>
          </div>
        ))}
      </dl>

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
              <tr>
                <td colSpan={5} className="px-3 py-2 text-right text-slate-600">
                  Subtotal ({inv.lineAmountTypes ?? "—"})
                </td>
                <td className="px-3 py-2 text-right tabular-nums">{formatMoney(inv.subTotal, cur)}</td>
              </tr>
              <tr>
                <td colSpan={5} className="px-3 py-2 text-right text-slate-600">
                  Tax
                </td>
                <td className="px-3 py-2 text-right tabular-nums">{formatMoney(inv.totalTax, cur)}</td>
              </tr>
              <tr>
                <td colSpan={5} className="px-3 py-2 text-right font-semibold text-ink">
                  Total
                </td>
                <td className="px-3 py-2 text-right font-semibold tabular-nums text-ink">{formatMoney(inv.total, cur)}</td>
              </tr>
            </tfoot>
          </Table>
        )}
      </section>

      <div className="grid gap-6 lg:grid-cols-2">
        <section aria-labelledby="payments">
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

        <section aria-labelledby="syncs">
          <h2 id="syncs" className="mb-2 text-base font-semibold text-ink">
            Sync history
          </h2>
          <p className="mb-2 text-sm text-slate-600">
            First stored <RelativeTime date={inv.firstSyncedAt} now={now} />, last changed in Xero <RelativeTime date={inv.xeroUpdatedAt} now={now} />, last
            written <RelativeTime date={inv.lastSyncedAt} now={now} />.
          </p>
          {syncs.length === 0 ? (
            <p className="rounded-lg border border-slate-200 bg-white p-4 text-sm text-slate-600 shadow-sm">No sync runs recorded around this invoice.</p>
          ) : (
            <Table caption="Syncs of this organisation's invoices around this invoice">
              <thead>
                <tr>
                  <Th>Started</Th>
                  <Th>Outcome</Th>
                  <Th align="right">Fetched</Th>
                  <Th align="right">Written</Th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {syncs.map((s) => (
                  <tr key={s.id}>
                    <Td>
                      <RelativeTime date={s.startedAt} now={now} />
                    </Td>
                    <Td>
                      <OutcomeBadge outcome={s.outcome} />
                    </Td>
                    <Td align="right">{formatInt(s.recordsFetched)}</Td>
                    <Td align="right">{formatInt(s.recordsInserted + s.recordsUpdated)}</Td>
                  </tr>
                ))}
              </tbody>
            </Table>
          )}
        </section>
      </div>
    </article>
  );
}
