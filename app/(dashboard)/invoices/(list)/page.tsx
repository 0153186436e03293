import type { Metadata } from "next";
import Link from "next/link";
import { Suspense } from "react";
import { requireDashboardUser } from "../../_components/user";
import { getDb } from "@/lib/db";
import { getContactName } from "@/lib/contacts/read-model";
import { INVOICE_STATUSES, listInvoices, parseInvoiceQuery } from "@/lib/invoices/read-model";
import type { RawSearchParams } from "@/lib/lists/search-params";
import { listUserTenants } from "@/lib/lists/tenant-scope";
import { InvoiceStatusBadge, invoiceStatusLabel } from "../../_components/badges";
import { FilterForm, Hidden, Input, Select } from "../../_components/filters";
import { formatDate, formatMoney } from "../../_components/format";
import { EmptyState, Pager, SortTh, Table, Td } from "../../_components/table";
import { RelativeTime } from "../../_components/time";
import { flatParams, hrefWith } from "../../_components/url";
import { InvoiceTotals, TotalsSkeleton } from "./totals";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Invoices" };

const PARAMS = ["org", "status", "type", "contact", "from", "to", "overdue", "q", "sort", "dir", "size", "after", "before", "last", "p"] as const;

export default async function InvoicesPage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  const user = await requireDashboardUser("/invoices");
  const raw = await searchParams;
  const query = parseInvoiceQuery(raw);
  const params = flatParams(raw, PARAMS);
  const db = await getDb();
  const now = new Date();
  const [tenants, page, contact] = await Promise.all([
    listUserTenants(db, user.id),
    listInvoices(db, user.id, query, now),
    query.contact ? getContactName(db, user.id, query.contact) : Promise.resolve(undefined),
  ]);
  const multiOrg = tenants.length > 1;
  const orgName = new Map(tenants.map((t) => [t.id, t.name]));
  const current = { sort: query.sort, dir: query.dir };
  const filtered = Boolean(query.q || query.status || query.type || query.contact || query.from || query.to || query.overdue || query.tenant);
  const exportHref = hrefWith("/invoices/export", params, {}, { resetPaging: true });

  if (tenants.length === 0) {
    return (
      <>
        <h1 className="mb-4 text-2xl font-semibold tracking-tight text-ink">Invoices</h1>
        <EmptyState title="No invoices yet" action={<Link href="/dashboard" className="rounded-md bg-brand-700 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-600">Connect Xero</Link>}>
          Connect a Xero organisation and its invoices appear here after the first sync.
        </EmptyState>
      </>
    );
  }

  return (
    <>
      <div className="mb-4 flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-semibold tracking-tight text-ink">Invoices</h1>
        <a href={exportHref} className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-medium text-slate-700 shadow-sm hover:bg-slate-50" download>
          Export CSV
        </a>
      </div>

      <FilterForm action="/invoices" resetHref="/invoices">
        <Input name="q" label="Search" value={query.q} placeholder="Number, reference or contact" className="min-w-[14rem] flex-1" />
        {multiOrg ? <Select name="org" label="Organisation" value={query.tenant} options={[["", "All organisations"], ...tenants.map((t): [string, string] => [t.id, t.name])]} /> : null}
        <Select name="type" label="Type" value={query.type} options={[["", "Sales and bills"], ["sales", "Sales invoices"], ["bills", "Bills"]]} />
        <Select name="status" label="Status" value={query.status} options={[["", "Any status"], ...INVOICE_STATUSES.map((s): [string, string] => [s, invoiceStatusLabel(s)])]} />
        <Input name="from" label="Date from" type="date" value={query.from} />
        <Input name="to" label="Date to" type="date" value={query.to} />
        <label className="flex items-center gap-2 self-center pt-4 text-sm text-slate-700">
          <input type="checkbox" name="overdue" value="1" defaultChecked={query.overdue} className="h-4 w-4 rounded border-slate-300 accent-brand-700" />
          Overdue only
        </label>
        <Hidden values={{ sort: params.sort, dir: params.dir, size: params.size, contact: query.contact, ...(multiOrg ? {} : { org: query.tenant }) }} />
      </FilterForm>

      {query.contact ? (
        <p className="mb-3 flex items-center gap-2 text-sm text-slate-700">
          Contact: <span className="font-medium">{contact ?? "selected contact"}</span>
          <Link href={hrefWith("/invoices", params, { contact: undefined }, { resetPaging: true })} className="text-brand-700 hover:underline">
            Remove<span className="sr-only"> contact filter</span>
          </Link>
        </p>
      ) : null}

      <Suspense fallback={<TotalsSkeleton />}>
        <InvoiceTotals userId={user.id} query={query} />
      </Suspense>

      {page.rows.length === 0 ? (
        <EmptyState title={filtered ? "No invoices match these filters" : "No invoices synced yet"} action={filtered ? <Link href="/invoices" className="text-sm font-medium text-brand-700 hover:underline">Clear filters</Link> : undefined}>
          {filtered ? "Try a broader search or another status." : "They appear here after the first sync of your organisation."}
        </EmptyState>
      ) : (
        <>
          <Table caption="Invoices">
            <thead>
              <tr>
                <SortTh label="Number" sort="number" current={current} base="/invoices" params={params} />
                <SortTh label="Contact" sort="contact" current={current} base="/invoices" params={params} />
                {multiOrg ? <th scope="col" className="bg-slate-50 px-3 py-2.5 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">Organisation</th> : null}
                <SortTh label="Date" sort="date" current={current} base="/invoices" params={params} defaultDir="desc" />
                <SortTh label="Due" sort="due" current={current} base="/invoices" params={params} />
                <SortTh label="Total" sort="total" current={current} base="/invoices" params={params} align="right" defaultDir="desc" />
                <SortTh label="Amount due" sort="amountDue" current={current} base="/invoices" params={params} align="right" defaultDir="desc" />
                <SortTh label="Status" sort="status" current={current} base="/invoices" params={params} />
                <SortTh label="Updated" sort="updated" current={current} base="/invoices" params={params} defaultDir="desc" />
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {page.rows.map((r) => {
                const cancelled = r.status === "VOIDED" || r.status === "DELETED";
                return (
                  <tr key={`${r.tenantId}:${r.invoiceId}`} className={cancelled ? "bg-slate-50/70 text-slate-500" : r.overdue ? "bg-amber-50/40" : "hover:bg-slate-50"}>
                    <Td>
                      <Link href={`/invoices/${r.tenantId}/${r.invoiceId}`} className={`font-medium text-brand-700 hover:underline ${cancelled ? "line-through" : ""}`}>
                        {r.invoiceNumber || <span className="italic">No number</span>}
                      </Link>
                      {r.type === "ACCPAY" ? <span className="ml-2 text-xs text-slate-500">Bill</span> : null}
                      {r.reference ? <span className="block max-w-[14rem] truncate text-xs text-slate-500">{r.reference}</span> : null}
                      {/* Phones: the essentials under the number, the other columns scroll. */}
                      <span aria-hidden="true" className={`mt-0.5 block text-xs sm:hidden ${r.overdue ? "font-medium text-red-700" : "text-slate-600"}`}>
                        {formatMoney(r.amountDue && Number(r.amountDue) !== 0 ? r.amountDue : r.total, r.currencyCode)} · {r.overdue ? "overdue" : invoiceStatusLabel(r.status).toLowerCase()}
                      </span>
                    </Td>
                    <Td className="max-w-[16rem] truncate">
                      {r.contactId ? (
                        <Link href={`/contacts/${r.tenantId}/${r.contactId}`} className="hover:underline">
                          {r.contactName ?? "—"}
                        </Link>
                      ) : (
                        (r.contactName ?? "—")
                      )}
                    </Td>
                    {multiOrg ? <Td className="text-slate-600">{orgName.get(r.tenantId)}</Td> : null}
                    <Td>{formatDate(r.date)}</Td>
                    <Td className={r.overdue ? "font-medium text-red-700" : ""}>{formatDate(r.dueDate)}</Td>
                    <Td align="right" className={cancelled ? "line-through" : ""}>{formatMoney(r.total, r.currencyCode)}</Td>
                    <Td align="right" className={r.overdue ? "font-semibold text-red-700" : ""}>{formatMoney(r.amountDue, r.currencyCode)}</Td>
                    <Td>
                      <InvoiceStatusBadge status={r.status} overdue={r.overdue} />
                      {r.overdue ? <span className="sr-only"> (awaiting payment, overdue)</span> : null}
                    </Td>
                    <Td className="text-slate-600">
                      <RelativeTime date={r.xeroUpdatedAt} now={now} />
                    </Td>
                  </tr>
                );
              })}
            </tbody>
          </Table>
          <Pager base="/invoices" params={params} page={query.last ? Math.max(1, Math.ceil(page.total / query.size)) : query.page} next={page.next} prev={page.prev} shown={page.rows.length} total={page.total} size={query.size} noun="invoices" />
        </>
      )}
    </>
  );
}
