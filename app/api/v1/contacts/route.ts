/**
 * GET /api/v1/contacts — the signed-in user's contacts as JSON with outstanding / overdue
 * receivables per currency, keyset-paginated. Query: org, status (ACTIVE|ARCHIVED|GDPRREQUEST),
 * role (customer|supplier), q, sort (name|email|updated), dir, limit (1–200), after / before.
 * Malformed values → 400. Answer: { data: Contact[], page: { next, prev, total, limit } }.
 * Auth: the browser session, or `Authorization: Bearer xs_…` (personal token from /settings/api);
 * no or a bad token → 401 { error }.
 */
import { z } from "zod";
import { withUser } from "@/lib/http/handler";
import { apiCaller } from "@/lib/api-tokens/request-user";
import { getDb } from "@/lib/db";
import { listContacts, parseContactQuery } from "@/lib/contacts/read-model";
import { apiPageSize, assertParsed } from "@/lib/lists/api-params";
import { fromURLSearchParams } from "@/lib/lists/search-params";

export const dynamic = "force-dynamic";

export const GET = withUser(z.unknown(), async ({ user, request }) => {
  const raw = fromURLSearchParams(new URL(request.url).searchParams);
  const query = { ...parseContactQuery(raw), size: apiPageSize(raw) };
  assertParsed(raw, query as unknown as Record<string, unknown>, {
    org: "tenant", status: "status", role: "role", q: "q", sort: "sort", dir: "dir", after: "after", before: "before", last: "last",
  });
  const page = await listContacts(await getDb(), user.id, query);
  return {
    data: page.rows.map((c) => ({
      tenantId: c.tenantId,
      contactId: c.contactId,
      name: c.name,
      emailAddress: c.emailAddress,
      contactStatus: c.contactStatus,
      isCustomer: c.isCustomer,
      isSupplier: c.isSupplier,
      defaultCurrency: c.defaultCurrency,
      receivables: c.receivables,
      updatedDateUTC: c.xeroUpdatedAt.toISOString(),
    })),
    page: { next: page.next, prev: page.prev, total: page.total, limit: query.size },
  };
}, { name: "GET /api/v1/contacts", getUser: apiCaller });
