/**
 * The app's connection cap (Xero's plan limit on organisations connected to one app, counted across
 * all its users): a consent adding organisations beyond it is sent back with access_denied; the
 * consent page disables the organisations that would go over; organisations already connected
 * can still be granted again (a reconnect works at the cap).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningSimulator } from "@/lib/xero-simulator";
import type { XeroConfig } from "@/lib/xero/identity";
import { createAuthorizationRequest } from "@/tests/helpers/consent";
import { type TenantInfo, configFor, connect, ctl, start } from "./helpers";

let sim: RunningSimulator;
let config: XeroConfig;
let tenants: TenantInfo[];
beforeAll(async () => {
  sim = await start({ limits: false, connectionLimit: 2 });
  config = configFor(sim);
  tenants = await ctl<TenantInfo[]>(sim, "GET", "/__sim/tenants");
});
afterAll(() => sim.close());

async function authorize(consent: { user: string; tenants: string }): Promise<URL> {
  const req = await createAuthorizationRequest(config, { extraParams: { sim_auto: "1", sim_user: consent.user, sim_tenants: consent.tenants } });
  const res = await fetch(req.url, { redirect: "manual" });
  expect(res.status).toBe(302);
  return new URL(res.headers.get("location")!);
}

describe("simulator: connection cap", () => {
  it("refuses one organisation more than the cap, across users; reconnects still work at the cap", async () => {
    expect(tenants.length).toBeGreaterThanOrEqual(3);
    const [a, b, c] = tenants.map((t) => t.tenantId);
    await connect(sim, config, { user: "0", tenants: a! });
    // Another user connecting another organisation: two distinct organisations, the cap.
    await connect(sim, config, { user: "1", tenants: b! });
    expect(await ctl(sim, "GET", "/__sim/connection-limit")).toEqual({ limit: 2, connected: 2 });

    const refused = await authorize({ user: "0", tenants: `${a},${c}` });
    expect(refused.searchParams.get("error")).toBe("access_denied");
    expect(refused.searchParams.get("code")).toBeNull();
    expect(await ctl(sim, "GET", "/__sim/connection-limit")).toEqual({ limit: 2, connected: 2 });

    // The organisation another user connected counts once: user 0 may connect it too, as may a reconnect of a.
    const again = await authorize({ user: "0", tenants: `${a},${b}` });
    expect(again.searchParams.get("error")).toBeNull();
    expect(again.searchParams.get("code")).toBeTruthy();
  });

  it("disables, on the consent page, the organisations not yet connected once the cap is reached", async () => {
    const req = await createAuthorizationRequest(config);
    const html = await (await fetch(req.url)).text();
    expect(html).toContain("has reached its limit of 2 connected organisations");
    const [a, b, c] = tenants.map((t) => t.tenantId);
    expect(html).toMatch(new RegExp(`value="${c}"[^>]* disabled`));
    for (const id of [a, b]) expect(html).not.toMatch(new RegExp(`value="${id}"[^>]* disabled`));
    // Its way back to the app: access_denied with Xero's limit advice.
    const form = new URLSearchParams();
    for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) form.append(m[1]!, m[2]!.replace(/&amp;/g, "&"));
    form.set("action", "limit");
    const back = await fetch(`${sim.url}/identity/connect/authorize`, { method: "POST", body: form, redirect: "manual", headers: { "content-type": "application/x-www-form-urlencoded" } });
    const to = new URL(back.headers.get("location")!);
    expect(to.searchParams.get("error")).toBe("access_denied");
    expect(to.searchParams.get("error_description")).toBe("Maximum number of tenants already connected");
  });

  it("is set and lifted through the control API", async () => {
    expect(await ctl(sim, "POST", "/__sim/connection-limit", { limit: null })).toEqual({ limit: null, connected: 2 });
    const url = await authorize({ user: "2", tenants: "all" });
    expect(url.searchParams.get("code")).toBeTruthy();
    expect(await ctl(sim, "GET", "/__sim/connection-limit")).toMatchObject({ connected: tenants.length });
  });
});
