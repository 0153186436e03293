/**
 * GET /api/v1/invoices — the signed-in user's invoices as JSON, keyset-paginated.
 * Query: org, status, type (sales|bills), contact, from, to (YYYY-MM-DD), overdue=1, q, sort
 * (number|contact|date|due|total|amountDue|status|updated), dir (asc|desc), limit (1–200),
 * after / before (the `next` / `prev` cursors of a previous answer). Malformed values → 400.
 * Answer: { data: Invoice[], page: { next, prev, total, limit } }; money as decimal strings.
 * Auth: the browser session, or `Authorization: Bearer xs_…` (personal token from /settings/api);
 * no or a bad token → 401 { error }.
 */
import { z } from "zod";
import { withUser } from "@/lib/http/handler";
import { apiCaller } from "@/lib/api-tokens/request-user";
import { getDb } from "@/lib/db";
import { apiPageSize, assertParsed } from "@/lib/lists/api-params";
import { listInvoices, parseInvoiceQuery } from "@/lib/invoices/read-model";
import { fromURLSearchParams } from "@/lib/lists/search-params";

export const dynamic = "force-dynamic";

export const GET = withUser(z.unknown(), async ({ user, request }) => {
  const raw = fromURLSearchParams(new URL(request.url).searchParams);
  const query = { ...parseInvoiceQuery(raw), size: apiPageSize(raw) };
  assertParsed(raw, query as unknown as Record<string, unknown>, {
    org: "tenant", status: "status", type: "type", contact: "contact", from: "from", to: "to", overdue: "overdue", q: "q", sort: "sort", dir: "dir", after: "after", before: "before", last: "last",
  });
  const page = await listInvoices(await getDb(), user.id, query);
  return {
    data: page.rows.map((r) => ({
      tenantId: r.tenantId,
      invoiceId: r.invoiceId,
      type: r.type,
      invoiceNumber: r.invoiceNumber,
      reference: r.reference,
      status: r.status,
      overdue: r.overdue,
      contact: r.contactId ? { contactId: r.contactId, name: r.contactName } : null,
      date: r.date,
      dueDate: r.dueDate,
      currencyCode: r.currencyCode,
      total: r.total,
      amountPaid: r.amountPaid,
      amountDue: r.amountDue,
      updatedDateUTC: r.xeroUpdatedAt.toISOString(),
    })),
    page: { next: page.next, prev: page.prev, total: page.total, limit: query.size },
  };
}, { name: "GET /api/v1/invoices", getUser: apiCaller });
