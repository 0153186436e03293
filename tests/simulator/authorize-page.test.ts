/** The consent page a person uses in the demo, driven as a browser would (GET, then form POST). */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningSimulator } from "@/lib/xero-simulator";
import { completeAuthorization, listXeroConnections, type XeroConfig } from "@/lib/xero/identity";
import { createAuthorizationRequest } from "@/tests/helpers/consent";
import { type TenantInfo, configFor, ctl, start } from "./helpers";

let sim: RunningSimulator;
let config: XeroConfig;
let tenants: TenantInfo[];
beforeAll(async () => {
  sim = await start({ limits: false });
  config = configFor(sim);
  tenants = await ctl<TenantInfo[]>(sim, "GET", "/__sim/tenants");
});
afterAll(() => sim.close());

/** The hidden inputs of the consent form, as a browser would submit them. */
function formFields(html: string): URLSearchParams {
  const form = new URLSearchParams();
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) form.append(m[1]!, m[2]!.replace(/&amp;/g, "&").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">"));
  return form;
}

const post = (form: URLSearchParams) => fetch(`${sim.url}/identity/connect/authorize`, { method: "POST", body: form, redirect: "manual", headers: { "content-type": "application/x-www-form-urlencoded" } });

describe("consent page", () => {
  it("shows users and an organisation picker for accounting scopes; Allow with one org grants just that org", async () => {
    const req = await createAuthorizationRequest(config);
    const page = await fetch(req.url);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("text/html");
    const html = await page.text();
    expect(html).toContain("Organisations to connect");
    for (const t of tenants) expect(html).toContain(t.name);
    expect(html).toContain("dana.demo@example.com");
    expect(html).toMatch(/<button[^>]*value="cancel"/);
    const form = formFields(html);
    expect(form.get("code_challenge_method")).toBe("S256");
    form.set("user", (await ctl<{ xeroUserId: string }[]>(sim, "GET", "/__sim/users"))[1]!.xeroUserId);
    form.append("tenant", tenants[1]!.tenantId);
    form.set("action", "allow");
    const res = await post(form);
    expect(res.status).toBe(302);
    const ts = await completeAuthorization(config, res.headers.get("location")!, req);
    expect(ts.claims().email).toBe("sam.bookkeeper@example.com");
    expect((await listXeroConnections(ts.access_token!, {}, config)).map((c) => c.tenantId)).toEqual([tenants[1]!.tenantId]);
  });

  it("no organisation picker for sign-in scopes only; no connections are made", async () => {
    const cfg = { ...config, scopes: ["openid", "profile", "email"] };
    const req = await createAuthorizationRequest(cfg);
    const html = await (await fetch(req.url)).text();
    expect(html).not.toContain("Organisations to connect");
    const form = formFields(html);
    form.set("user", "dana.demo@example.com");
    form.set("action", "allow");
    const res = await post(form);
    const ts = await completeAuthorization(cfg, res.headers.get("location")!, req);
    expect(ts.refresh_token).toBeUndefined(); // no offline_access
    expect(await listXeroConnections(ts.access_token!, {}, cfg)).toEqual([]);
  });

  it("Cancel redirects with error=access_denied and the state; Allow without an org re-asks", async () => {
    const req = await createAuthorizationRequest(config);
    const form = formFields(await (await fetch(req.url)).text());
    form.set("action", "allow");
    form.set("user", "dana.demo@example.com");
    const again = await post(form);
    expect(again.status).toBe(200);
    expect(await again.text()).toContain("Select at least one organisation");
    form.set("action", "cancel");
    const res = await post(form);
    const loc = new URL(res.headers.get("location")!);
    expect(`${loc.origin}${loc.pathname}`).toBe(config.redirectUris[0]);
    expect(loc.searchParams.get("error")).toBe("access_denied");
    expect(loc.searchParams.get("state")).toBe(req.state);
  });

  it("bad response_type, scope or PKCE method come back as OAuth errors on the redirect URI", async () => {
    const base = new URL((await createAuthorizationRequest(config)).url);
    const cases: [string, string, string][] = [
      ["response_type", "token", "unsupported_response_type"],
      ["scope", "openid accounting.everything!", "invalid_scope"],
      ["code_challenge_method", "S512", "invalid_request"],
    ];
    for (const [k, v, error] of cases) {
      const u = new URL(base);
      u.searchParams.set(k, v);
      const res = await fetch(u, { redirect: "manual" });
      expect(res.status, k).toBe(302);
      expect(new URL(res.headers.get("location")!).searchParams.get("error"), k).toBe(error);
    }
  });
});
