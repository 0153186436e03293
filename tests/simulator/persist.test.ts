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
    const paid = await ctl<{ changes: { entity: string; id: string }[] }>(first, "POST", "/__sim/mutate", { tenantId, entity: "payments", count: 1, kinds: ["create"] });
    const paymentsBefore = await ctl(first, "GET", `/__sim/state?tenantId=${tenantId}&entity=payments`);
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
      // Fixture records survive too, and a payment is still the one its invoice lists.
      expect(await ctl(second, "GET", `/__sim/state?tenantId=${tenantId}&entity=payments`)).toEqual(paymentsBefore);
      const payment = paid.changes.find((c) => c.entity === "payments")!;
      const invoiceId = paid.changes.find((c) => c.entity === "invoices")!.id;
      expect((await xero.accountingApi.getPayment(tenantId, payment.id)).body.payments![0]!.invoice!.invoiceID).toBe(invoiceId);
      // Deleting after the restart reopens the very invoices that list those payments.
      const deleted = await ctl<{ changes: { entity: string; id: string }[] }>(second, "POST", "/__sim/mutate", { tenantId, entity: "payments", count: 20, kinds: ["delete"] });
      const gone = new Set(deleted.changes.filter((c) => c.entity === "payments").map((c) => c.id));
      expect(gone.size).toBeGreaterThan(0);
      for (const inv of (await xero.accountingApi.getInvoices(tenantId)).body.invoices ?? []) {
        for (const p of inv.payments ?? []) expect(gone.has(p.paymentID!)).toBe(false);
      }
      const refreshed = await refreshTokenGrant(ts.refresh_token!, cfg2); // also validates the id_token with the restored key
      expect(refreshed.accessToken).toBeTruthy();
      expect(second.sim.limiter.config.enabled).toBe(true); // demo mode: limits on
    } finally {
      await second.close();
    }
  });
});
