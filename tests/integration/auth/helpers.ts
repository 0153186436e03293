/**
 * Shared set-up for the auth / connection tests: a real simulator over HTTP, the app's
 * environment pointed at it, a fresh migrated database (PGlite or PostgreSQL per TEST_DB), and
 * helpers to walk the consent with the simulator's auto-consent parameters.
 */
import { simControl } from "@/tests/helpers/sim-control";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../helpers/db";
import { sql } from "drizzle-orm";
import type { Db } from "@/lib/db";
import { users, type User } from "@/lib/db/schema";
import { resetEnvCache } from "@/lib/env";
import { DEMO_CC_CLIENT_ID, DEMO_CC_CLIENT_SECRET, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, startSimulator, type RunningSimulator } from "@/lib/xero-simulator";
import { startXeroConnect } from "@/lib/xero/connect-flow";

export const APP_URL = "http://localhost:3000";
export const CALLBACK_URL = `${APP_URL}/api/xero/callback`;

export const TENANTS = [
  { name: "Alpha Ltd", invoices: 3, contacts: 2 },
  { name: "Beta Ltd", invoices: 3, contacts: 2 },
  { name: "Gamma Ltd", invoices: 3, contacts: 2 },
];

/** Sets the environment the app reads (through getEnv) to talk to `sim`. */
export function useSimulatorEnv(sim: RunningSimulator, extra: Record<string, string | undefined> = {}): void {
  const vars: Record<string, string | undefined> = {
    NEXTAUTH_URL: APP_URL,
    XERO_CLIENT_ID: DEMO_CLIENT_ID,
    XERO_CLIENT_SECRET: DEMO_CLIENT_SECRET,
    XERO_IDENTITY_URL: sim.url,
    XERO_API_URL: sim.url,
    XERO_REDIRECT_URI: undefined,
    XERO_GRANT_TYPE: "authorization_code",
    XERO_TIMEOUT_MS: "10000",
    XERO_DEMO: "0",
    TOKEN_ENCRYPTION_KEY: process.env.TOKEN_ENCRYPTION_KEY ?? randomBytes(32).toString("base64"),
    TOKEN_ENCRYPTION_KEY_PREVIOUS: undefined,
    ALLOWED_SIGN_INS: undefined,
    ...extra,
  };
  for (const [k, v] of Object.entries(vars)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  resetEnvCache();
}

export function useCustomConnectionEnv(sim: RunningSimulator, owner?: string): void {
  useSimulatorEnv(sim, {
    XERO_GRANT_TYPE: "client_credentials",
    XERO_CLIENT_ID: DEMO_CC_CLIENT_ID,
    XERO_CLIENT_SECRET: DEMO_CC_CLIENT_SECRET,
    XERO_CUSTOM_CONNECTION_OWNER: owner,
  });
}

export function startTestSimulator(): Promise<RunningSimulator> {
  return startSimulator({ port: 0, tenants: TENANTS, demoRedirectUris: [CALLBACK_URL], limits: false });
}

export async function createUser(db: Db, email: string): Promise<User> {
  const [row] = await db.insert(users).values({ email, name: email.split("@")[0] }).returning();
  return row!;
}

export interface Consent {
  /** Simulator user (index, email or id); default the first demo user. */
  user?: string;
  /** Comma-separated tenant refs (index, name or id), "all" or "none". */
  tenants?: string;
  deny?: boolean;
}

/** Follows Xero's authorize URL with the simulator's auto-consent and returns the callback's query. */
export async function consentAt(authorizeUrl: string, consent: Consent = {}): Promise<Record<string, string>> {
  const url = new URL(authorizeUrl);
  url.searchParams.set("sim_auto", "1");
  if (consent.user) url.searchParams.set("sim_user", consent.user);
  if (consent.tenants) url.searchParams.set("sim_tenants", consent.tenants);
  if (consent.deny) url.searchParams.set("sim_deny", "1");
  const res = await fetch(url, { redirect: "manual" });
  const location = res.headers.get("location");
  if (res.status !== 302 || !location) throw new Error(`authorize answered ${res.status}: ${await res.text()}`);
  const back = new URL(location);
  if (`${back.origin}${back.pathname}` !== CALLBACK_URL) throw new Error(`redirected to ${back.origin}${back.pathname}`);
  return Object.fromEntries(back.searchParams);
}

/** Starts Connect Xero for `userId` and walks the consent: the callback parameters to complete with. */
export async function startAndConsent(db: Db, userId: string, consent: Consent = {}): Promise<{ params: Record<string, string>; authorizeUrl: string }> {
  const { url } = await startXeroConnect(db, userId);
  return { params: await consentAt(url, consent), authorizeUrl: url };
}

/** Entries of the simulator's request log whose path contains `path`. */
export async function simLog(sim: RunningSimulator, path: string): Promise<{ method: string; path: string; status: number }[]> {
  const body = await simControl<{ entries: { method: string; path: string; status: number }[] }>(sim, "GET", `/__sim/log?path=${encodeURIComponent(path)}`);
  return body.entries;
}

export async function clearSimLog(sim: RunningSimulator): Promise<void> {
  await simControl(sim, "DELETE", "/__sim/log");
}

/** Every row of the tables that could hold a secret, as one text blob (for "no plaintext" checks). */
export async function dumpSecretsTables(db: Db): Promise<string> {
  const out: string[] = [];
  for (const table of ["xero_connections", "xero_auth_requests", "xero_sessions", "accounts", "sessions", "users", "xero_tenants"]) {
    const rows = await db.execute(sql.raw(`select row_to_json(t)::text as j from ${table} t`));
    const list = (Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows) as { j: string }[];
    for (const r of list) out.push(r.j);
  }
  return out.join("\n");
}

/** Rows of a raw query on either driver. */
export async function rows<T>(db: Db, query: ReturnType<typeof sql>): Promise<T[]> {
  const r = await db.execute(query);
  return (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows) as T[];
}

/**
 * The usual world of an auth test file: a started simulator the environment points at, and a
 * fresh database per file, emptied before each test. `assign` receives them once started.
 */
export function withSimulatorAndDatabase(assign: (world: { sim: RunningSimulator; tdb: TestDatabase }) => void): void {
  let world: { sim: RunningSimulator; tdb: TestDatabase } | undefined;
  beforeAll(async () => {
    const sim = await startTestSimulator();
    useSimulatorEnv(sim);
    world = { sim, tdb: await createTestDatabase() };
    assign(world);
  });
  afterAll(async () => {
    await world?.tdb.close();
    await world?.sim.close();
  });
  beforeEach(async () => {
    await world!.tdb.truncate();
  });
}
