/**
 * A user connected to the Xero simulator the way the app connects one: the authorization-code
 * flow with auto-consent, then the grant stored encrypted by the token store and one xero_tenants
 * row per simulated organisation; and the app's environment pointed at the simulator. No vitest:
 * the sync tests and the benchmarks share it.
 */
import { simControl, type SimEndpoint } from "./sim-control";
import { randomBytes, randomUUID } from "node:crypto";
import type { Db } from "@/lib/db";
import { resetEnvCache } from "@/lib/env";
import { resetLimiters } from "@/lib/sync/call-layer";
import { users, xeroConnections, xeroTenants } from "@/lib/db/schema";
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET } from "@/lib/xero-simulator";
import { completeAuthorization, type XeroConfig } from "@/lib/xero/identity";
import { createAuthorizationRequest } from "./consent";
import { tokenSetColumns } from "@/lib/xero/token-store";

export const SIM_REDIRECT_URI = "http://localhost:3000/api/xero/callback";
export const SIM_SCOPES = ["openid", "profile", "email", "offline_access", "accounting.transactions.read", "accounting.contacts.read", "accounting.settings.read"];

/** Points the app's environment at the simulator (the token store and the sync read getEnv()). */
export function pointEnvAtSimulator(simUrl: string, extra: Record<string, string> = {}): void {
  Object.assign(process.env, {
    NODE_ENV: "test",
    XERO_CLIENT_ID: DEMO_CLIENT_ID,
    XERO_CLIENT_SECRET: DEMO_CLIENT_SECRET,
    XERO_IDENTITY_URL: simUrl,
    XERO_API_URL: simUrl,
    XERO_REDIRECT_URI: SIM_REDIRECT_URI,
    XERO_TIMEOUT_MS: "5000",
    TOKEN_ENCRYPTION_KEY: process.env.TOKEN_ENCRYPTION_KEY || randomBytes(32).toString("hex"),
    SYNC_INTERVAL_MINUTES: "0",
    ...extra,
  });
  resetEnvCache();
  resetLimiters();
}

export function simXeroConfig(simUrl: string, timeoutMs = 5000, scopes: readonly string[] = SIM_SCOPES): XeroConfig {
  return { clientId: DEMO_CLIENT_ID, clientSecret: DEMO_CLIENT_SECRET, redirectUris: [SIM_REDIRECT_URI], scopes: [...scopes], identityUrl: simUrl, apiUrl: simUrl, timeoutMs };
}

export interface SimConnectedUser {
  userId: string;
  connectionId: string;
  /** xero_tenants.id of each simulated organisation, with its Xero tenant id */
  tenants: { id: string; xeroTenantId: string; name: string }[];
}

/** `scopes`: what the grant asks for (default SIM_SCOPES; journals need accounting.journals.read on top). */
export async function connectSimUser(db: Db, sim: SimEndpoint, email = `u${randomBytes(4).toString("hex")}@example.com`, scopes: readonly string[] = SIM_SCOPES): Promise<SimConnectedUser> {
  const config = simXeroConfig(sim.url, 10_000, scopes);
  const req = await createAuthorizationRequest(config, { extraParams: { sim_auto: "1" } });
  const res = await fetch(req.url, { redirect: "manual" });
  const location = res.headers.get("location");
  if (res.status !== 302 || !location) throw new Error(`authorize answered ${res.status}: ${await res.text()}`);
  const ts = await completeAuthorization(config, location, req);
  const [user] = await db.insert(users).values({ email, name: "Sync Tester" }).returning();
  const id = randomUUID(); // the token set is encrypted bound to the row's id
  const [conn] = await db
    .insert(xeroConnections)
    .values({
      id,
      userId: user!.id,
      grantType: "authorization_code",
      xeroUserId: String(ts.claims().xero_userid ?? randomBytes(4).toString("hex")),
      issuer: sim.url,
      scopes: scopes.join(" "),
      ...tokenSetColumns(id, {
        accessToken: ts.access_token!,
        refreshToken: ts.refresh_token,
        idToken: ts.id_token,
        tokenType: ts.token_type ?? "Bearer",
        expiresAt: new Date((ts.expires_at ?? Math.floor(Date.now() / 1000) + 1800) * 1000),
        scope: ts.scope,
      }),
    })
    .returning();
  const orgs = await simControl<{ tenantId: string; name: string }[]>(sim, "GET", "/__sim/tenants");
  const tenants = [];
  for (const o of orgs) {
    const [t] = await db.insert(xeroTenants).values({ userId: user!.id, connectionId: conn!.id, xeroTenantId: o.tenantId, name: o.name }).returning();
    tenants.push({ id: t!.id, xeroTenantId: o.tenantId, name: o.name });
  }
  return { userId: user!.id, connectionId: conn!.id, tenants };
}
