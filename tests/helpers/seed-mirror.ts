import { sql } from "drizzle-orm";
import type { Db } from "@/lib/db";
import { ENTITIES } from "@/lib/entities/registry";
import { rebuildSummaries } from "@/lib/entities/summaries";
import { rng } from "@/lib/xero-simulator/prng";
import {
  contacts,
  invoices,
  sessions,
  syncCursors,
  users,
  xeroConnections,
  xeroSessions,
  xeroTenants,
  type NewContact,
  type NewInvoice,
  type NewXeroSession,
} from "@/lib/db/schema";

/**
 * Deterministic mirror data written straight through drizzle (no Xero, no sync engine) for the
 * dashboard's integration tests, e2e runs and the page benchmark. Same seed → same rows.
 * Batched: 100,000 invoices take seconds, not minutes.
 */

/** A deterministic UUID (v4-shaped) from a namespace number and an index. */
export function seededUuid(ns: number, i: number): string {
  const hex = (n: number, len: number) => (n >>> 0).toString(16).padStart(len, "0").slice(-len);
  const a = hex(ns, 8);
  const b = hex(i, 8);
  const c = hex(Math.imul(i ^ ns, 2654435761), 8);
  return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-8${c.slice(0, 3)}-${c}${hex(i * 7 + ns, 4)}`;
}

export async function seedUser(db: Db, opts: { id?: string; email?: string; name?: string } = {}) {
  const [u] = await db
    .insert(users)
    .values({ id: opts.id, email: opts.email ?? `user-${Math.random().toString(36).slice(2)}@example.test`, name: opts.name ?? "Test User" })
    .returning();
  return u!;
}

/** A database session for next-auth (cookie `next-auth.session-token` = token). */
export async function seedSession(db: Db, userId: string, token = `tok_${Math.random().toString(36).slice(2)}${Date.now()}`) {
  await db.insert(sessions).values({ sessionToken: token, userId, expires: new Date(Date.now() + 7 * 86400_000) });
  return token;
}

export async function seedTenant(
  db: Db,
  userId: string,
  opts: { name?: string; xeroTenantId?: string; status?: "active" | "disconnected" | "needs_reconnect"; rateLimitedUntil?: Date | null } = {},
) {
  const [conn] = await db
    .insert(xeroConnections)
    .values({
      userId,
      grantType: "authorization_code",
      xeroUserId: `xu-${Math.random().toString(36).slice(2)}`,
      scopes: "openid accounting.invoices.read accounting.contacts.read",
      tokenSetEncrypted: "v1:dummy:not-a-real-token",
      accessTokenExpiresAt: new Date(Date.now() + 30 * 60_000),
      refreshTokenIssuedAt: new Date(),
    })
    .returning();
  const [tenant] = await db
    .insert(xeroTenants)
    .values({
      userId,
      connectionId: conn!.id,
      xeroTenantId: opts.xeroTenantId ?? crypto.randomUUID(),
      name: opts.name ?? "Demo Company (NZ)",
      status: opts.status ?? "active",
      rateLimitedUntil: opts.rateLimitedUntil ?? null,
    })
    .returning();
  return tenant!;
}

const FIRST = ["Ava", "Liam", "Mia", "Noah", "Isla", "Leo", "Ruby", "Hugo", "Zoe", "Max", "Ella", "Finn"];
const COMPANY = ["Bayside", "Harbour", "Kowhai", "Summit", "Totara", "Ridgeline", "Coastal", "Pioneer", "Riverbend", "Northern"];
const SUFFIX = ["Club", "Traders", "Supplies", "Ltd", "Partners", "Studio", "Logistics", "Bakery", "Builders", "Consulting"];

export interface SeededContact {
  contactId: string;
  name: string;
}

/** n contacts for a tenant; every 9th is ARCHIVED, names unique. */
export async function seedContacts(db: Db, tenantId: string, n: number, opts: { seed?: number; ns?: number } = {}): Promise<SeededContact[]> {
  const rnd = rng(opts.seed ?? 1);
  const ns = opts.ns ?? 0xc0;
  const out: SeededContact[] = [];
  const base = Date.UTC(2025, 0, 1);
  for (let start = 0; start < n; start += 1000) {
    const batch: NewContact[] = [];
    for (let i = start; i < Math.min(n, start + 1000); i++) {
      const contactId = seededUuid(ns, i);
      const name = `${COMPANY[Math.floor(rnd() * COMPANY.length)]} ${SUFFIX[Math.floor(rnd() * SUFFIX.length)]} ${i + 1}`;
      const first = FIRST[i % FIRST.length]!;
      const email = `${first.toLowerCase()}.${i + 1}@example.com`;
      const updated = new Date(base + Math.floor(rnd() * 300 * 86400_000));
      const status = i % 9 === 8 ? "ARCHIVED" : "ACTIVE";
      batch.push({
        tenantId,
        contactId,
        name,
        firstName: first,
        lastName: "Example",
        emailAddress: email,
        contactStatus: status,
        isCustomer: i % 4 !== 3,
        isSupplier: i % 4 === 3 || i % 7 === 0,
        defaultCurrency: "NZD",
        xeroUpdatedAt: updated,
        raw: { ContactID: contactId, Name: name, EmailAddress: email, ContactStatus: status, UpdatedDateUTC: `/Date(${updated.getTime()}+0000)/` },
      });
      out.push({ contactId, name });
    }
    await db.insert(contacts).values(batch);
  }
  await resummarise(db, [tenantId], ["contacts"]);
  return out;
}

const STATUSES = ["AUTHORISED", "AUTHORISED", "AUTHORISED", "PAID", "PAID", "PAID", "PAID", "DRAFT", "SUBMITTED", "VOIDED", "DELETED"];

/**
 * n invoices spread over the contacts; dates over the ~two years before `today`, a mix of statuses
 * (some overdue), ~1 KB of raw JSON each with three line items like Xero's.
 */
export async function seedInvoices(
  db: Db,
  tenantId: string,
  n: number,
  contactList: SeededContact[],
  opts: { seed?: number; ns?: number; today?: Date; currency?: string; batch?: number } = {},
): Promise<void> {
  const rnd = rng(opts.seed ?? 2);
  const ns = opts.ns ?? 0x1a;
  const today = opts.today ?? new Date();
  const dayMs = 86400_000;
  const size = opts.batch ?? 1000;
  for (let start = 0; start < n; start += size) {
    const batch: NewInvoice[] = [];
    for (let i = start; i < Math.min(n, start + size); i++) {
      const invoiceId = seededUuid(ns, i);
      const contact = contactList.length ? contactList[Math.floor(rnd() * contactList.length)]! : null;
      const type = i % 5 === 4 ? "ACCPAY" : "ACCREC";
      const ageDays = Math.floor(rnd() * 720);
      const date = new Date(today.getTime() - ageDays * dayMs);
      // Like real books: most invoices older than a couple of months are paid; a few linger.
      const roll = rnd();
      const status = ageDays > 75 && roll < 0.85 ? (roll < 0.8 ? "PAID" : roll < 0.83 ? "VOIDED" : "DELETED") : STATUSES[Math.floor(rnd() * STATUSES.length)]!;
      const due = new Date(date.getTime() + 30 * dayMs);
      const lines = [0, 1, 2].map((k) => {
        const qty = 1 + Math.floor(rnd() * 5);
        const unit = (Math.floor(rnd() * 50000) + 100) / 100;
        return { Description: `Service line ${k + 1} for job ${i}`, Quantity: qty, UnitAmount: unit, AccountCode: "200", TaxType: "OUTPUT2", LineAmount: Math.round(qty * unit * 100) / 100 };
      });
      const sub = lines.reduce((s, l) => s + Math.round(l.LineAmount * 100), 0); // cents, exact
      const tax = Math.round(sub * 0.15);
      const totalC = sub + tax;
      const paidC = status === "PAID" ? totalC : status === "AUTHORISED" && i % 3 === 0 ? Math.floor(totalC / 2) : 0;
      const dueC = status === "VOIDED" || status === "DELETED" || status === "PAID" ? 0 : totalC - paidC;
      const money = (c: number) => (c / 100).toFixed(2);
      const dateStr = date.toISOString().slice(0, 10);
      const dueStr = due.toISOString().slice(0, 10);
      const paidOn = status === "PAID" ? new Date(Math.min(today.getTime(), due.getTime() - 5 * dayMs)).toISOString().slice(0, 10) : null;
      // + i ms: mostly distinct; never in the future.
      const updated = new Date(Math.min(today.getTime() - 60_000, date.getTime() + Math.floor(rnd() * 10 * dayMs)) + (i % 1000));
      const number = type === "ACCREC" ? `INV-${String(i + 1).padStart(6, "0")}` : i % 10 === 9 ? null : `BILL-${i + 1}`;
      const reference = i % 3 === 0 ? `PO ${1000 + (i % 997)}` : null;
      batch.push({
        tenantId,
        invoiceId,
        type,
        invoiceNumber: number,
        reference,
        status,
        contactId: contact?.contactId ?? null,
        contactName: contact?.name ?? null,
        date: dateStr,
        dueDate: dueStr,
        fullyPaidOnDate: paidOn,
        currencyCode: opts.currency ?? "NZD",
        currencyRate: "1",
        lineAmountTypes: "Exclusive",
        subTotal: money(sub),
        totalTax: money(tax),
        total: money(totalC),
        amountDue: money(dueC),
        amountPaid: money(paidC),
        amountCredited: "0",
        xeroUpdatedAt: updated,
        raw: {
          Type: type,
          InvoiceID: invoiceId,
          InvoiceNumber: number,
          Reference: reference,
          Status: status,
          Contact: contact ? { ContactID: contact.contactId, Name: contact.name } : undefined,
          Date: `/Date(${date.getTime()}+0000)/`,
          DueDate: `/Date(${due.getTime()}+0000)/`,
          LineAmountTypes: "Exclusive",
          LineItems: lines,
          SubTotal: sub / 100,
          TotalTax: tax / 100,
          Total: totalC / 100,
          AmountDue: dueC / 100,
          AmountPaid: paidC / 100,
          CurrencyCode: opts.currency ?? "NZD",
          Payments: paidC > 0 ? [{ PaymentID: seededUuid(ns + 1, i), Date: `/Date(${(paidOn ? Date.parse(paidOn) : date.getTime())}+0000)/`, Amount: paidC / 100, Reference: "Bank transfer" }] : [],
          UpdatedDateUTC: `/Date(${updated.getTime()}+0000)/`,
        },
      });
    }
    await db.insert(invoices).values(batch);
  }
  await resummarise(db, [tenantId], ["invoices"]);
}

/**
 * Rows written straight into mirror tables (as these helpers and some tests do) bypass the write
 * path that keeps the summaries: recompute them from the tables (every tenant and entity by default).
 */
export async function resummarise(db: Db, tenantIds?: string[], entities?: string[]): Promise<void> {
  const ids = tenantIds ?? (await db.select({ id: xeroTenants.id }).from(xeroTenants)).map((t) => t.id);
  for (const def of ENTITIES) if (!entities || entities.includes(def.name)) await rebuildSummaries(db, def, ids);
}

/** Sync sessions and cursors that look like a history of scheduled syncs. */
export async function seedSyncHistory(db: Db, userId: string, tenantId: string, opts: { runs?: number; now?: Date } = {}): Promise<void> {
  const now = opts.now ?? new Date();
  const runs = opts.runs ?? 12;
  const rows: NewXeroSession[] = [];
  for (let i = 0; i < runs; i++) {
    for (const entity of ["invoices", "contacts"]) {
      const started = new Date(now.getTime() - (i + 1) * 15 * 60_000 - (entity === "contacts" ? 40_000 : 0));
      const failed = i === 3 && entity === "invoices";
      const limited = i === 5 && entity === "invoices";
      rows.push({
        userId,
        tenantId,
        kind: "sync",
        entity,
        trigger: i === 0 ? "manual" : "schedule",
        startedAt: started,
        finishedAt: new Date(started.getTime() + 4_000 + i * 100),
        heartbeatAt: new Date(started.getTime() + 4_000),
        outcome: failed ? "error" : limited ? "rate_limited" : "success",
        apiCalls: 3 + (i % 4),
        pages: 2 + (i % 3),
        recordsFetched: 40 + i,
        recordsInserted: i === runs - 1 ? 400 : 0,
        recordsUpdated: 5 + (i % 6),
        recordsUnchanged: 35,
        rateLimitWaits: limited ? 2 : 0,
        rateLimitWaitMs: limited ? 61_000 : 0,
        error: failed ? "Xero answered 503 Service Unavailable three times; will retry at the next run." : null,
      });
    }
  }
  rows.push({ userId, tenantId, kind: "callback", trigger: "login", startedAt: new Date(now.getTime() - 2 * 86400_000), finishedAt: new Date(now.getTime() - 2 * 86400_000 + 900), outcome: "success", apiCalls: 2 });
  await db.insert(xeroSessions).values(rows);
  for (const entity of ["invoices", "contacts"]) {
    await db
      .insert(syncCursors)
      .values({ tenantId, entity, highWaterMark: now, lastAttemptAt: new Date(now.getTime() - 15 * 60_000), lastSuccessAt: new Date(now.getTime() - 15 * 60_000) })
      .onConflictDoNothing();
  }
}

/** Refreshes planner statistics after a bulk load (SETUP.md: stale plans on freshly loaded tables). */
export async function analyze(db: Db): Promise<void> {
  await db.execute(sql`analyze invoices`);
  await db.execute(sql`analyze contacts`);
  await db.execute(sql`analyze xero_sessions`);
}
