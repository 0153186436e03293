/**
 * Shared set-up for the sync integration tests: a real simulator over HTTP, a real migrated
 * database (PGlite or PostgreSQL per TEST_DB), and a user with a Xero connection obtained through
 * the simulator's authorization-code flow (auto-consent), stored encrypted by the token store.
 */
import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { expect } from "vitest";
import { contacts, invoices, users, xeroConnections, xeroTenants } from "@/lib/db/schema";
import type { Db } from "@/lib/db";
import { resetEnvCache } from "@/lib/env";
import { resetLimiters } from "@/lib/sync/call-layer";
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, startSimulator, type RunningSimulator, type SimulatorOptions, type TenantSpec } from "@/lib/xero-simulator";
import { completeAuthorization, createAuthorizationRequest, type XeroConfig } from "@/lib/xero/client";
import { tokenSetColumns } from "@/lib/xero/token-store";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/db";

export const REDIRECT_URI = "http://localhost:3000/api/xero/callback";
const SCOPES = ["openid", "profile", "email", "offline_access", "accounting.transactions.read", "accounting.contacts.read", "accounting.settings.read"];

/** Points the app's environment at the simulator (the token store and the source read getEnv()). */
export function pointEnvAtSimulator(sim: RunningSimulator, extra: Record<string, string> = {}): void {
  Object.assign(process.env, {
    NODE_ENV: "test",
    XERO_CLIENT_ID: DEMO_CLIENT_ID,
    XERO_CLIENT_SECRET: DEMO_CLIENT_SECRET,
    XERO_IDENTITY_URL: sim.url,
    XERO_API_URL: sim.url,
    XERO_REDIRECT_URI: REDIRECT_URI,
    XERO_TIMEOUT_MS: "5000",
    TOKEN_ENCRYPTION_KEY: process.env.TOKEN_ENCRYPTION_KEY || randomBytes(32).toString("hex"),
    SYNC_INTERVAL_MINUTES: "0",
    ...extra,
  });
  resetEnvCache();
  resetLimiters();
}

export function xeroConfig(sim: RunningSimulator): XeroConfig {
  return { clientId: DEMO_CLIENT_ID, clientSecret: DEMO_CLIENT_SECRET, redirectUris: [REDIRECT_URI], scopes: SCOPES, identityUrl: sim.url, apiUrl: sim.url, timeoutMs: 5000 };
}

export async function ctl<T = unknown>(sim: RunningSimulator, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${sim.url}${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

export interface Connected {
  userId: string;
  connectionId: string;
  /** xero_tenants.id of each simulated organisation, by Xero tenant id */
  tenants: { id: string; xeroTenantId: string; name: string }[];
}

/** Signs a user in to the simulator (auto-consent to all organisations) and stores the grant. */
export async function connectUser(db: Db, sim: RunningSimulator, email = `u${randomBytes(4).toString("hex")}@example.com`): Promise<Connected> {
  const config = xeroConfig(sim);
  const req = await createAuthorizationRequest(config, { extraParams: { sim_auto: "1" } });
  const res = await fetch(req.url, { redirect: "manual" });
  const location = res.headers.get("location");
  if (res.status !== 302 || !location) throw new Error(`authorize answered ${res.status}: ${await res.text()}`);
  const ts = await completeAuthorization(config, location, req);
  const [user] = await db.insert(users).values({ email, name: "Sync Tester" }).returning();
  const [conn] = await db
    .insert(xeroConnections)
    .values({
      userId: user!.id,
      grantType: "authorization_code",
      xeroUserId: String(ts.claims().xero_userid ?? randomBytes(4).toString("hex")),
      scopes: SCOPES.join(" "),
      ...tokenSetColumns({
        accessToken: ts.access_token!,
        refreshToken: ts.refresh_token,
        idToken: ts.id_token,
        tokenType: ts.token_type ?? "Bearer",
        expiresAt: new Date((ts.expires_at ?? Math.floor(Date.now() / 1000) + 1800) * 1000),
        scope: ts.scope,
      }),
    })
    .returning();
  const orgs = await ctl<{ tenantId: string; name: string }[]>(sim, "GET", "/__sim/tenants");
  const tenants = [];
  for (const o of orgs) {
    const [t] = await db.insert(xeroTenants).values({ userId: user!.id, connectionId: conn!.id, xeroTenantId: o.tenantId, name: o.name }).returning();
    tenants.push({ id: t!.id, xeroTenantId: o.tenantId, name: o.name });
  }
  return { userId: user!.id, connectionId: conn!.id, tenants };
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
