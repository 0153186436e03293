import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { requireDashboardUser } from "../../../_components/user";
import { getDb } from "@/lib/db";
import { getContactDetail } from "@/lib/contacts/read-model";
import { listInvoices, parseInvoiceQuery } from "@/lib/invoices/read-model";
import { Badge, ContactStatusBadge, InvoiceStatusBadge } from "../../../_components/badges";
import { formatDate, formatInt, formatMoney } from "../../../_components/format";
import { ReceivableCell } from "../../../_components/receivables";
import { EmptyState, Table, Td, Th } from "../../../_components/table";
import { RelativeTime } from "../../../_components/time";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Contact" };

type Props = { params: Promise<{ tenantId: string; contactId: string }> };

export default async function ContactDetailPage({ params }: Props) {
  const { tenantId, contactId } = await params;
  const user = await requireDashboardUser("/contacts");
  const db = await getDb();
  const now = new Date();
  const detail = await getContactDetail(db, user.id, tenantId, contactId, now);
  if (!detail) notFound();
  const { contact: c, tenant, receivables } = detail;
  const invoicesQuery = parseInvoiceQuery({ org: tenant.id, contact: c.contactId, size: "25" });
  const recent = await listInvoices(db, user.id, invoicesQuery, now);
  const allHref = `/invoices?org=${tenant.id}&contact=${c.contactId}`;

  return (
    <article>
      <nav aria-label="Breadcrumb" className="mb-3 text-sm text-slate-600">
        <Link href="/contacts" className="text-brand-700 hover:underline">
          Contacts
        </Link>{" "}
        / <span>{c.name}</span>
      </nav>
      <header className="mb-5 rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
        <p className="text-xs font-medium uppercase tracking-wide text-slate-500">{tenant.name}</p>
        <h1 className="mt-1 text-2xl font-semibold tracking-tight text-ink">{c.name}</h1>
        <div className="mt-2 flex flex-wrap items-center gap-2">
          <ContactStatusBadge status={c.contactStatus} />
          {c.isCustomer ? <Badge color="blue">Customer</Badge> : null}
          {c.isSupplier ? <Badge>Supplier</Badge> : null}
        </div>
        <dl className="mt-4 grid gap-x-6 gap-y-2 text-sm sm:grid-cols-2 lg:grid-cols-4">
          {[
            ["Email", c.emailAddress],
            ["Contact person", [c.firstName, c.lastName].filter(Boolean).join(" ") || null],
            ["Account number", c.accountNumber],
            ["Tax number", c.taxNumber],
            ["Default currency", c.defaultCurrency],
            ["Contact number", c.contactNumber],
          ].map(([k, v]) => (
            <div key={k as string}>
              <dt className="text-slate-500">{k}</dt>
              <dd className="truncate text-ink" title={v || undefined}>
                {v || "—"}
              </dd>
            </div>
          ))}
          <div>
            <dt className="text-slate-500">Updated in Xero</dt>
            <dd>
              <RelativeTime date={c.xeroUpdatedAt} now={now} />
            </dd>
          </div>
        </dl>
      </header>

      <section aria-label="Receivables" className="mb-6 grid gap-3 sm:grid-cols-2">
        <div className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
          <p className="text-sm text-slate-500">Outstanding receivables</p>
          <p className="mt-1 text-xl font-semibold tabular-nums text-ink">
            <ReceivableCell list={receivables} kind="outstanding" />
          </p>
        </div>
        <div className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
          <p className="text-sm text-slate-500">Overdue</p>
          <p className="mt-1 text-xl font-semibold tabular-nums">
            <ReceivableCell list={receivables} kind="overdue" />
          </p>
        </div>
      </section>

      <section aria-labelledby="contact-invoices">
        <div className="mb-2 flex items-center justify-between">
          <h2 id="contact-invoices" className="text-base font-semibold text-ink">
            Invoices {recent.total ? <span className="font-normal text-slate-500">({formatInt(recent.total)})</span> : null}
          </h2>
          {recent.total > recent.rows.length ? (
            <Link href={allHref} className="text-sm font-medium text-brand-700 hover:underline">
              View all {formatInt(recent.total)} →
            </Link>
          ) : null}
        </div>
        {recent.rows.length === 0 ? (
          <EmptyState title="No invoices for this contact" />
        ) : (
          <Table caption={`Invoices of ${c.name}`}>
            <thead>
              <tr>
                <Th>Number</Th>
                <Th>Date</Th>
                <Th>Due</Th>
                <Th align="right">Total</Th>
                <Th align="right">Amount due</Th>
                <Th>Status</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {recent.rows.map((r) => {
                const cancelled = r.status === "VOIDED" || r.status === "DELETED";
                return (
                  <tr key={r.invoiceId} className={cancelled ? "text-slate-500" : "hover:bg-slate-50"}>
                    <Td>
                      <Link href={`/invoices/${r.tenantId}/${r.invoiceId}`} className={`font-medium text-brand-700 hover:underline ${cancelled ? "line-through" : ""}`}>
                        {r.invoiceNumber ?? "No number"}
                      </Link>
                    </Td>
                    <Td>{formatDate(r.date)}</Td>
                    <Td className={r.overdue ? "font-medium text-red-700" : ""}>{formatDate(r.dueDate)}</Td>
                    <Td align="right">{formatMoney(r.total, r.currencyCode)}</Td>
                    <Td align="right" className={r.overdue ? "font-semibold text-red-700" : ""}>{formatMoney(r.amountDue, r.currencyCode)}</Td>
                    <Td>
                      <InvoiceStatusBadge status={r.status} overdue={r.overdue} />
                    </Td>
                  </tr>
                );
              })}
            </tbody>
          </Table>
        )}
      </section>
    </article>
  );
}
