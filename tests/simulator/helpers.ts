/** Shared set-up for the simulator tests: a simulator per suite, xero-node config, auto-consent. */
import { simControl as ctl } from "@/tests/helpers/sim-control";
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, type RunningSimulator, type SimulatorOptions, startSimulator } from "@/lib/xero-simulator";
import { completeAuthorization, type TokenSet, type XeroConfig } from "@/lib/xero/identity";
import { createAuthorizationRequest } from "@/tests/helpers/consent";

export const REDIRECT_URI = "http://localhost:3000/callback";
export const ALL_SCOPES = ["openid", "profile", "email", "offline_access", "accounting.transactions", "accounting.contacts", "accounting.settings"];

export async function start(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  return startSimulator({ port: 0, ...options });
}

export function configFor(sim: RunningSimulator, overrides: Partial<XeroConfig> = {}): XeroConfig {
  return { clientId: DEMO_CLIENT_ID, clientSecret: DEMO_CLIENT_SECRET, redirectUris: [REDIRECT_URI], scopes: ALL_SCOPES, identityUrl: sim.url, apiUrl: sim.url, timeoutMs: 5000, ...overrides };
}

/** Runs the whole authorization-code flow with auto-consent and returns the validated token set. */
export async function connect(sim: RunningSimulator, config: XeroConfig, consent: { user?: string; tenants?: string } = {}): Promise<TokenSet> {
  const req = await createAuthorizationRequest(config, { extraParams: { sim_auto: "1", ...(consent.user ? { sim_user: consent.user } : {}), ...(consent.tenants ? { sim_tenants: consent.tenants } : {}) } });
  const res = await fetch(req.url, { redirect: "manual" });
  const location = res.headers.get("location");
  if (res.status !== 302 || !location) throw new Error(`authorize answered ${res.status}: ${await res.text()}`);
  return completeAuthorization(config, location, req);
}

/** Calls a control endpoint (with the run's token) and returns the parsed JSON. */
export { ctl };

export interface TenantInfo {
  tenantId: string;
  name: string;
  invoices: number;
  contacts: number;
}

/** Raw API GET with a bearer token (for checks xero-node hides). */
export async function apiGet(sim: RunningSimulator, path: string, token: string, tenantId: string | null, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${sim.url}${path}`, { headers: { authorization: `Bearer ${token}`, accept: "application/json", ...(tenantId !== null ? { "xero-tenant-id": tenantId } : {}), ...headers } });
}

export const MIN = 60_000;
export const DAY = 86_400_000;
