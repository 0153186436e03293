import type { Metadata } from "next";
import Link from "next/link";
import { requireDashboardUser } from "../../_components/user";
import { getDb } from "@/lib/db";
import { CONTACT_STATUSES, listContacts, parseContactQuery } from "@/lib/contacts/read-model";
import { ReceivableCell } from "../../_components/receivables";
import type { RawSearchParams } from "@/lib/lists/search-params";
import { listUserTenants } from "@/lib/lists/tenant-scope";
import { Badge, ContactStatusBadge } from "../../_components/badges";
import { FilterForm, Hidden, Input, Select } from "../../_components/filters";
import { EmptyState, Pager, SortTh, Table, Td, Th } from "../../_components/table";
import { RelativeTime } from "../../_components/time";
import { flatParams, hrefWith } from "../../_components/url";
import { formatMoney } from "../../_components/format";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Contacts" };

const PARAMS = ["org", "status", "role", "q", "sort", "dir", "size", "after", "before", "last", "p"] as const;

export default async function ContactsPage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  const user = await requireDashboardUser("/contacts");
  const raw = await searchParams;
  const query = parseContactQuery(raw);
  const params = flatParams(raw, PARAMS);
  const db = await getDb();
  const now = new Date();
  const [tenants, page] = await Promise.all([listUserTenants(db, user.id), listContacts(db, user.id, query, now)]);
  const multiOrg = tenants.length > 1;
  const orgName = new Map(tenants.map((t) => [t.id, t.name]));
  const current = { sort: query.sort, dir: query.dir };
  const filtered = Boolean(query.q || query.status || query.role || query.tenant);

  if (tenants.length === 0) {
    return (
      <>
        <h1 className="mb-4 text-2xl font-semibold tracking-tight text-ink">Contacts</h1>
        <EmptyState title="No contacts yet" action={<Link href="/dashboard" className="rounded-md bg-brand-700 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-600">Connect Xero</Link>}>
          Connect a Xero organisation and its customers and suppliers appear here after the first sync.
        </EmptyState>
      </>
    );
  }

  return (
    <>
      <div className="mb-4 flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-semibold tracking-tight text-ink">Contacts</h1>
        <a href={hrefWith("/contacts/export", params, {}, { resetPaging: true })} download className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-medium text-slate-700 shadow-sm hover:bg-slate-50">
          Export CSV
        </a>
      </div>
      <FilterForm action="/contacts" resetHref="/contacts">
        <Input name="q" label="Search" value={query.q} placeholder="Name or email" className="min-w-[14rem] flex-1" />
        {multiOrg ? <Select name="org" label="Organisation" value={query.tenant} options={[["", "All organisations"], ...tenants.map((t): [string, string] => [t.id, t.name])]} /> : null}
        <Select name="role" label="Role" value={query.role} options={[["", "Customers and suppliers"], ["customer", "Customers"], ["supplier", "Suppliers"]]} />
        <Select
          name="status"
          label="Status"
          value={query.status}
          options={[["", "Any status"], ...CONTACT_STATUSES.map((s): [string, string] => [s, s === "GDPRREQUEST" ? "GDPR request" : s[0] + s.slice(1).toLowerCase()])]}
        />
        <Hidden values={{ sort: params.sort, dir: params.dir, size: params.size, ...(multiOrg ? {} : { org: query.tenant }) }} />
      </FilterForm>

      {page.rows.length === 0 ? (
        <EmptyState title={filtered ? "No contacts match these filters" : "No contacts synced yet"} action={filtered ? <Link href="/contacts" className="text-sm font-medium text-brand-700 hover:underline">Clear filters</Link> : undefined}>
          {filtered ? "Try a broader search." : "They appear here after the first sync of your organisation."}
        </EmptyState>
      ) : (
        <>
          <Table caption="Contacts">
            <thead>
              <tr>
                <SortTh label="Name" sort="name" current={current} base="/contacts" params={params} />
                <SortTh label="Email" sort="email" current={current} base="/contacts" params={params} />
                {multiOrg ? <Th>Organisation</Th> : null}
                <Th>Role</Th>
                <Th>Status</Th>
                <Th align="right">Outstanding</Th>
                <Th align="right">Overdue</Th>
                <SortTh label="Updated" sort="updated" current={current} base="/contacts" params={params} defaultDir="desc" />
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {page.rows.map((c) => (
                <tr key={`${c.tenantId}:${c.contactId}`} className={c.contactStatus === "ARCHIVED" ? "bg-slate-50/70 text-slate-500" : "hover:bg-slate-50"}>
                  <Td className="max-w-[18rem] truncate">
                    <Link href={`/contacts/${c.tenantId}/${c.contactId}`} className="font-medium text-brand-700 hover:underline">
                      {c.name}
                    </Link>
                    {c.receivables.some((r) => Number(r.outstanding) !== 0) ? (
                      <span aria-hidden="true" className="mt-0.5 block text-xs text-slate-600 sm:hidden">
                        owes {c.receivables.map((r) => formatMoney(r.outstanding, r.currency)).join(" + ")}
                      </span>
                    ) : null}
                  </Td>
                  <Td className="max-w-[16rem] truncate text-slate-600">{c.emailAddress ? <span title={c.emailAddress}>{c.emailAddress}</span> : "—"}</Td>
                  {multiOrg ? <Td className="text-slate-600">{orgName.get(c.tenantId)}</Td> : null}
                  <Td>
                    <span className="flex gap-1">
                      {c.isCustomer ? <Badge color="blue">Customer</Badge> : null}
                      {c.isSupplier ? <Badge>Supplier</Badge> : null}
                      {!c.isCustomer && !c.isSupplier ? <span className="text-slate-400">—</span> : null}
                    </span>
                  </Td>
                  <Td>
                    <ContactStatusBadge status={c.contactStatus} />
                  </Td>
                  <Td align="right">
                    <ReceivableCell list={c.receivables} kind="outstanding" />
                  </Td>
                  <Td align="right">
                    <ReceivableCell list={c.receivables} kind="overdue" />
                  </Td>
                  <Td className="text-slate-600">
                    <RelativeTime date={c.xeroUpdatedAt} now={now} />
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
          <Pager base="/contacts" params={params} page={query.last ? Math.max(1, Math.ceil(page.total / query.size)) : query.page} next={page.next} prev={page.prev} shown={page.rows.length} total={page.total} size={query.size} noun="contacts" />
        </>
      )}
    </>
  );
}
