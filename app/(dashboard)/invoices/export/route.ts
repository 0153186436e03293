/**
 * GET /invoices/export?<the list's filters> — the filtered invoice list as CSV, streamed in keyset
 * batches (100,000 rows never sit in memory). Session required (the one wrapper); filters are
 * parsed exactly as the page parses them, malformed values fall back.
 */
import { z } from "zod";
import { withUser } from "@/lib/http/handler";
import { getDb } from "@/lib/db";
import { csvResponse, csvText, csvValue } from "@/lib/lists/csv";
import { invoiceBatches, parseInvoiceQuery } from "@/lib/invoices/read-model";
import { fromURLSearchParams } from "@/lib/lists/search-params";
import { listUserTenants } from "@/lib/lists/tenant-scope";

export const dynamic = "force-dynamic";

const HEADER = ["Organisation", "Type", "Number", "Reference", "Contact", "Date", "Due date", "Status", "Overdue", "Currency", "Total", "Amount paid", "Amount due", "Updated in Xero (UTC)", "Invoice ID"];

export const GET = withUser(z.unknown(), async ({ user, request }) => {
  const query = parseInvoiceQuery(fromURLSearchParams(new URL(request.url).searchParams));
  const db = await getDb();
  const names = new Map((await listUserTenants(db, user.id)).map((t) => [t.id, t.name]));
  async function* rows() {
    for await (const batch of invoiceBatches(db, user.id, query, 2000)) {
      yield batch.map((r) => [
        csvText(names.get(r.tenantId)),
        csvValue(r.type === "ACCPAY" ? "Bill" : "Sales invoice"),
        csvText(r.invoiceNumber),
        csvText(r.reference),
        csvText(r.contactName),
        csvValue(r.date),
        csvValue(r.dueDate),
        csvText(r.status),
        csvValue(r.overdue ? "yes" : "no"),
        csvText(r.currencyCode),
        csvValue(r.total),
        csvValue(r.amountPaid),
        csvValue(r.amountDue),
        csvValue(r.xeroUpdatedAt),
        csvValue(r.invoiceId),
      ]);
    }
  }
  return csvResponse(`invoices-${new Date().toISOString().slice(0, 10)}.csv`, HEADER, rows());
}, { name: "GET /invoices/export" });
