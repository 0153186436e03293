/** Demo persistence: tokens, connections and changed records survive a restart. */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startDemoSimulator } from "@/lib/xero-simulator/demo";
import { createApiClient } from "@/lib/xero/client";
import { listXeroConnections, refreshTokenGrant } from "@/lib/xero/identity";
import { configFor, connect, ctl } from "./helpers";

const dir = mkdtempSync(path.join(os.tmpdir(), "xero-sim-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("startDemoSimulator with a data directory", () => {
  it("restores grants, tokens, connections and mutations after a restart", async () => {
    const redirect = "http://localhost:3999/api/auth/callback/xero";
    const first = await startDemoSimulator({ port: 0, dataDir: dir, redirectUris: [redirect] });
    expect(first.restored).toBe(false);
    const config = configFor(first, { redirectUris: [redirect] });
    const ts = await connect(first, config, { tenants: "0" });
    const tenantId = first.sim.tenantList()[0]!.id;
    const { changes } = await ctl<{ changes: { id: string; status: string }[] }>(first, "POST", "/__sim/mutate", { tenantId, entity: "invoices", count: 3, kinds: ["create"] });
    await first.close();

    const second = await startDemoSimulator({ port: 0, dataDir: dir, redirectUris: [redirect] });
    try {
      expect(second.restored).toBe(true);
      const cfg2 = configFor(second, { redirectUris: [redirect] });
      // The stored tokens name the first run's URL as their issuer, and the app's API client sends
      // a token only to the API of its issuer: say that this API (at its new port) is that issuer's.
      const api = { ...cfg2, identityUrl: first.url };
      expect((await listXeroConnections(ts.access_token!, {}, api)).map((c) => c.tenantId)).toEqual([tenantId]);
      const xero = createApiClient(api, ts.access_token!);
      const got = await xero.accountingApi.getInvoices(tenantId, undefined, undefined, undefined, changes.map((c) => c.id));
      expect(got.body.invoices!.length).toBe(3);
      const refreshed = await refreshTokenGrant(ts.refresh_token!, cfg2); // also validates the id_token with the restored key
      expect(refreshed.accessToken).toBeTruthy();
      expect(second.sim.limiter.config.enabled).toBe(true); // demo mode: limits on
    } finally {
      await second.close();
    }
  });
});
