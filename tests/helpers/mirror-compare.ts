/**
 * The mirror of one organisation against the simulator's truth: both sides projected onto the
 * fields the sync must get right (ids, status, money, dates, contact, UpdatedDateUTC), sorted by
 * id. No vitest: the sync tests assert on it (harness.ts: expectMirrorsSimulator) and the chaos
 * run counts its differences.
 */
import { eq } from "drizzle-orm";
import type { Db } from "@/lib/db";
import { contacts, invoices } from "@/lib/db/schema";
import { simControl, type SimEndpoint } from "./sim-control";

export interface InvoiceView {
  id: string;
  status: string;
  total: string | null;
  subTotal: string | null;
  totalTax: string | null;
  amountDue: string | null;
  amountPaid: string | null;
  date: string | null;
  dueDate: string | null;
  contactId: string | null;
  updatedDateUtc: string;
}

export interface ContactView {
  id: string;
  name: string;
  status: string;
  isCustomer: boolean;
  isSupplier: boolean;
  updatedDateUtc: string;
}

export interface MirrorViews {
  invoices: { want: InvoiceView[]; got: InvoiceView[] };
  contacts: { want: ContactView[]; got: ContactView[] };
}

/** Money as the simulator prints it (2 decimals) from a numeric(19,4) string. */
const money2 = (v: string | null) => (v === null ? null : Number(v).toFixed(2));
const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);

function simState<T>(sim: SimEndpoint, xeroTenantId: string, entity: "invoices" | "contacts"): Promise<T[]> {
  return simControl<T[]>(sim, "GET", `/__sim/state?tenantId=${encodeURIComponent(xeroTenantId)}&entity=${entity}`);
}

/** The simulator's records (`want`) and the database's rows (`got`) of a tenant, as comparable views. */
export async function mirrorViews(db: Db, sim: SimEndpoint, tenant: { id: string; xeroTenantId: string }): Promise<MirrorViews> {
  const [simInvoices, simContacts, invoiceRows, contactRows] = await Promise.all([
    simState<InvoiceView>(sim, tenant.xeroTenantId, "invoices"),
    simState<ContactView>(sim, tenant.xeroTenantId, "contacts"),
    db
      .select({
        invoiceId: invoices.invoiceId,
        status: invoices.status,
        total: invoices.total,
        subTotal: invoices.subTotal,
        totalTax: invoices.totalTax,
        amountDue: invoices.amountDue,
        amountPaid: invoices.amountPaid,
        date: invoices.date,
        dueDate: invoices.dueDate,
        contactId: invoices.contactId,
        xeroUpdatedAt: invoices.xeroUpdatedAt,
      })
      .from(invoices)
      .where(eq(invoices.tenantId, tenant.id)),
    db
      .select({
        contactId: contacts.contactId,
        name: contacts.name,
        contactStatus: contacts.contactStatus,
        isCustomer: contacts.isCustomer,
        isSupplier: contacts.isSupplier,
        xeroUpdatedAt: contacts.xeroUpdatedAt,
      })
      .from(contacts)
      .where(eq(contacts.tenantId, tenant.id)),
  ]);
  return {
    invoices: {
      want: simInvoices
        .map((i) => ({
          id: i.id,
          status: i.status,
          total: i.total,
          subTotal: i.subTotal,
          totalTax: i.totalTax,
          amountDue: i.amountDue,
          amountPaid: i.amountPaid,
          date: i.date,
          dueDate: i.dueDate,
          contactId: i.contactId,
          updatedDateUtc: i.updatedDateUtc,
        }))
        .sort(byId),
      got: invoiceRows
        .map((r) => ({
          id: r.invoiceId,
          status: r.status,
          total: money2(r.total),
          subTotal: money2(r.subTotal),
          totalTax: money2(r.totalTax),
          amountDue: money2(r.amountDue),
          amountPaid: money2(r.amountPaid),
          date: r.date,
          dueDate: r.dueDate,
          contactId: r.contactId,
          updatedDateUtc: r.xeroUpdatedAt.toISOString(),
        }))
        .sort(byId),
    },
    contacts: {
      want: simContacts
        .map((c) => ({ id: c.id, name: c.name, status: c.status, isCustomer: c.isCustomer, isSupplier: c.isSupplier, updatedDateUtc: c.updatedDateUtc }))
        .sort(byId),
      got: contactRows
        .map((c) => ({ id: c.contactId, name: c.name, status: c.contactStatus, isCustomer: c.isCustomer, isSupplier: c.isSupplier, updatedDateUtc: c.xeroUpdatedAt.toISOString() }))
        .sort(byId),
    },
  };
}

export interface RecordDifference {
  entity: "invoices" | "contacts";
  id: string;
  /** missing: in Xero, not in the mirror (lost); extra: only in the mirror; stale: a field differs. */
  kind: "missing" | "extra" | "stale";
  want?: Record<string, unknown>;
  got?: Record<string, unknown>;
}

function diffEntity<T extends { id: string }>(entity: RecordDifference["entity"], want: T[], got: T[]): RecordDifference[] {
  const out: RecordDifference[] = [];
  const mine = new Map(got.map((g) => [g.id, g]));
  for (const w of want) {
    const g = mine.get(w.id);
    mine.delete(w.id);
    if (!g) out.push({ entity, id: w.id, kind: "missing", want: { ...w } });
    else if (JSON.stringify(g) !== JSON.stringify(w)) out.push({ entity, id: w.id, kind: "stale", want: { ...w }, got: { ...g } });
  }
  for (const g of mine.values()) out.push({ entity, id: g.id, kind: "extra", got: { ...g } });
  return out;
}

/** Every record where the mirror differs from the simulator (empty: it mirrors it exactly). */
export function mirrorDifferences(views: MirrorViews): RecordDifference[] {
  return [...diffEntity("invoices", views.invoices.want, views.invoices.got), ...diffEntity("contacts", views.contacts.want, views.contacts.got)];
}
