/**
 * Shared set-up for the sync integration tests: a real simulator over HTTP, a real migrated
 * database (PGlite or PostgreSQL per TEST_DB), and a user with a Xero connection obtained through
 * the simulator's authorization-code flow (auto-consent), stored encrypted by the token store.
 */
import { simControl as ctl } from "@/tests/helpers/sim-control";
import { eq } from "drizzle-orm";
import { expect } from "vitest";
import { contacts, invoices } from "@/lib/db/schema";
import type { Db } from "@/lib/db";
import { startSimulator, type RunningSimulator, type SimulatorOptions, type TenantSpec } from "@/lib/xero-simulator";
import type { XeroConfig } from "@/lib/xero/client";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/db";
import { connectSimUser, pointEnvAtSimulator as pointEnvAt, SIM_REDIRECT_URI, simXeroConfig, type SimConnectedUser } from "@/tests/helpers/sim-connect";

export const REDIRECT_URI = SIM_REDIRECT_URI;

/** Points the app's environment at the simulator (the token store and the source read getEnv()). */
export function pointEnvAtSimulator(sim: RunningSimulator, extra: Record<string, string> = {}): void {
  pointEnvAt(sim.url, extra);
}

export function xeroConfig(sim: RunningSimulator): XeroConfig {
  return simXeroConfig(sim.url);
}

export { ctl };

export type Connected = SimConnectedUser;

/** Signs a user in to the simulator (auto-consent to all organisations) and stores the grant. */
export function connectUser(db: Db, sim: RunningSimulator, email?: string): Promise<Connected> {
  return connectSimUser(db, sim, email);
}

export interface SyncWorld {
  sim: RunningSimulator;
  db: TestDatabase;
  user: Connected;
  close(): Promise<void>;
}

/** A simulator with the given organisations, a fresh database, and a connected user. */
export async function createWorld(tenants: TenantSpec[], options: SimulatorOptions = {}): Promise<SyncWorld> {
  const sim = await startSimulator({ port: 0, seed: 7, limits: false, tenants, demoRedirectUris: [REDIRECT_URI], ...options });
  pointEnvAtSimulator(sim);
  const db = await createTestDatabase();
  const user = await connectUser(db.db, sim);
  return {
    sim,
    db,
    user,
    async close() {
      await db.close();
      await sim.close();
    },
  };
}

interface SimInvoice {
  id: string;
  status: string;
  total: string;
  subTotal: string;
  totalTax: string;
  amountDue: string;
  amountPaid: string;
  date: string;
  dueDate: string;
  contactId: string | null;
  updatedDateUtc: string;
}
interface SimContact {
  id: string;
  name: string;
  status: string;
  isCustomer: boolean;
  isSupplier: boolean;
  updatedDateUtc: string;
}

/** Money as the simulator prints it (2 decimals) from a numeric(19,4) string. */
const money2 = (v: string | null) => (v === null ? null : Number(v).toFixed(2));

/** The database's invoices and contacts of a tenant must equal the simulator's state exactly. */
export async function expectMirrorsSimulator(world: SyncWorld, tenant: { id: string; xeroTenantId: string }): Promise<void> {
  const { db, sim } = world;
  const simInvoices = await ctl<SimInvoice[]>(sim, "GET", `/__sim/state?tenantId=${tenant.xeroTenantId}&entity=invoices`);
  const rows = await db.db.select().from(invoices).where(eq(invoices.tenantId, tenant.id));
  const got = rows
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
    .sort((a, b) => a.id.localeCompare(b.id));
  const want = simInvoices
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
    .sort((a, b) => a.id.localeCompare(b.id));
  expect(got.length).toBe(want.length);
  expect(got).toEqual(want);

  const simContacts = await ctl<SimContact[]>(sim, "GET", `/__sim/state?tenantId=${tenant.xeroTenantId}&entity=contacts`);
  const crow = await db.db.select().from(contacts).where(eq(contacts.tenantId, tenant.id));
  const gotC = crow
    .map((c) => ({ id: c.contactId, name: c.name, status: c.contactStatus, isCustomer: c.isCustomer, isSupplier: c.isSupplier, updatedDateUtc: c.xeroUpdatedAt.toISOString() }))
    .sort((a, b) => a.id.localeCompare(b.id));
  const wantC = simContacts
    .map((c) => ({ id: c.id, name: c.name, status: c.status, isCustomer: c.isCustomer, isSupplier: c.isSupplier, updatedDateUtc: c.updatedDateUtc }))
    .sort((a, b) => a.id.localeCompare(b.id));
  expect(gotC.length).toBe(wantC.length);
  expect(gotC).toEqual(wantC);
}

/** API requests the simulator served for a tenant since `since` (its log sequence). */
export async function apiLog(sim: RunningSimulator, xeroTenantId: string, since = 0) {
  const r = await ctl<{ entries: { seq: number; path: string; status: number; query: Record<string, string>; fault?: string }[]; lastSeq: number }>(
    sim,
    "GET",
    `/__sim/log?since=${since}&tenantId=${xeroTenantId}`,
  );
  return r;
}
