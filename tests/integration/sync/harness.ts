/**
 * Shared set-up for the sync integration tests: a real simulator over HTTP, a real migrated
 * database (PGlite or PostgreSQL per TEST_DB), and a user with a Xero connection obtained through
 * the simulator's authorization-code flow (auto-consent), stored encrypted by the token store.
 */
import { simControl as ctl } from "@/tests/helpers/sim-control";
import { expect } from "vitest";
import type { Db } from "@/lib/db";
import { startSimulator, type RunningSimulator, type SimulatorOptions, type TenantSpec } from "@/lib/xero-simulator";
import type { XeroConfig } from "@/lib/xero/identity";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/db";
import { mirrorViews } from "@/tests/helpers/mirror-compare";
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

/** The database's invoices and contacts of a tenant must equal the simulator's state exactly. */
export async function expectMirrorsSimulator(world: SyncWorld, tenant: { id: string; xeroTenantId: string }): Promise<void> {
  const views = await mirrorViews(world.db.db, world.sim, tenant);
  expect(views.invoices.got.length).toBe(views.invoices.want.length);
  expect(views.invoices.got).toEqual(views.invoices.want);
  expect(views.contacts.got.length).toBe(views.contacts.want.length);
  expect(views.contacts.got).toEqual(views.contacts.want);
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
