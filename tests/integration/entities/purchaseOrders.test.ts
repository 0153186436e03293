/**
 * Purchase orders on the keyset contract (keyset-contract.ts), and what is theirs: the endpoint
 * has no `where`, so none is ever sent, and the granular scope (accounting.invoices.read) alone
 * reads them.
 */
import { eq } from "drizzle-orm";
import { expect, it } from "vitest";
import { xeroConnections } from "@/lib/db/schema";
import { syncTenant } from "@/lib/sync";
import { purchaseOrdersTruth } from "@/tests/helpers/entity-truth/purchaseOrders";
import { apiLog } from "../sync/harness";
import { describeKeysetEntity } from "./keyset-contract";

describeKeysetEntity(
  {
    entity: "purchaseOrders",
    count: 1500,
    smallCount: 260,
    invoices: 400,
    truth: purchaseOrdersTruth,
    changeKinds: ["create", "edit", "submit", "authorise", "bill"],
    cancelKinds: { delete: "DELETED" },
  },
  ({ world, big, small }) => {
    it("no request carries a `where` (Xero's PurchaseOrders has none)", async () => {
      const requests = [...(await apiLog(world().sim, big().xeroTenantId)).entries, ...(await apiLog(world().sim, small().xeroTenantId)).entries].filter((e) => e.path.endsWith("/PurchaseOrders"));
      expect(requests.length).toBeGreaterThan(3);
      for (const r of requests) expect(Object.keys(r.query).map((k) => k.toLowerCase())).not.toContain("where");
    });

    it("the granular scope accounting.invoices.read alone reads them; without it or the broad ones they are unavailable", async () => {
      const db = world().db.db;
      const t = big();
      const grant = eq(xeroConnections.id, world().user.connectionId);
      const [{ scopes } = { scopes: "" }] = await db.select({ scopes: xeroConnections.scopes }).from(xeroConnections).where(grant);
      try {
        await db.update(xeroConnections).set({ scopes: "openid offline_access accounting.banktransactions.read accounting.contacts.read" }).where(grant);
        const before = (await apiLog(world().sim, t.xeroTenantId)).lastSeq;
        expect(await syncTenant(db, { tenantId: t.id, trigger: "manual", entities: ["purchaseOrders"] })).toMatchObject({ status: "success", entities: [{ outcome: "unavailable" }] });
        expect((await apiLog(world().sim, t.xeroTenantId, before)).entries.filter((e) => e.path.endsWith("/PurchaseOrders"))).toEqual([]);
        await db.update(xeroConnections).set({ scopes: "openid offline_access accounting.invoices.read" }).where(grant);
        expect(await syncTenant(db, { tenantId: t.id, trigger: "manual", entities: ["purchaseOrders"] })).toMatchObject({ status: "success", entities: [{ outcome: "success" }] });
      } finally {
        await db.update(xeroConnections).set({ scopes }).where(grant);
      }
    });
  },
);
