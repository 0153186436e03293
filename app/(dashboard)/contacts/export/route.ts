/**
 * GET /contacts/export?<the list's filters> — the filtered contact list as CSV with receivables,
 * streamed in keyset batches. Session required; filters parsed as on the page.
 */
import { z } from "zod";
import { withUser } from "@/lib/http/handler";
import { getDb } from "@/lib/db";
import { contactBatches, parseContactQuery } from "@/lib/contacts/read-model";
import { csvResponse, csvText, csvValue } from "@/lib/lists/csv";
import { fromURLSearchParams } from "@/lib/lists/search-params";
import { listUserTenants } from "@/lib/lists/tenant-scope";

export const dynamic = "force-dynamic";

const HEADER = ["Organisation", "Name", "Email", "Customer", "Supplier", "Status", "Currency", "Outstanding receivables", "Overdue receivables", "Updated in Xero (UTC)", "Contact ID"];

export const GET = withUser(z.unknown(), async ({ user, request }) => {
  const query = parseContactQuery(fromURLSearchParams(new URL(request.url).searchParams));
  const db = await getDb();
  const names = new Map((await listUserTenants(db, user.id)).map((t) => [t.id, t.name]));
  async function* rows() {
    for await (const batch of contactBatches(db, user.id, query, 2000)) {
      yield batch.map((c) => {
        // One currency per row is the common case; several are joined as "NZD 10.00; USD 5.00".
        const rec = c.receivables;
        const single = rec.length === 1 ? rec[0]! : null;
        return [
          csvText(names.get(c.tenantId)),
          csvText(c.name),
          csvText(c.emailAddress),
          csvValue(c.isCustomer ? "yes" : "no"),
          csvValue(c.isSupplier ? "yes" : "no"),
          csvText(c.contactStatus),
          csvText(single?.currency ?? (rec.length ? rec.map((r) => r.currency).join("; ") : c.defaultCurrency)),
          single ? csvValue(single.outstanding) : csvText(rec.map((r) => `${r.currency} ${r.outstanding}`).join("; ") || "0"),
          single ? csvValue(single.overdue) : csvText(rec.map((r) => `${r.currency} ${r.overdue}`).join("; ") || "0"),
          csvValue(c.xeroUpdatedAt),
          csvValue(c.contactId),
        ];
      });
    }
  }
  return csvResponse(`contacts-${new Date().toISOString().slice(0, 10)}.csv`, HEADER, rows());
}, { name: "GET /contacts/export" });
