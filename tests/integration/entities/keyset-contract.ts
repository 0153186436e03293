/**
 * What every keyset-walked entity must do against the simulator over HTTP (real xero-node, real
 * database), as one suite each entity's test file runs with its own truth projection
 * (tests/helpers/entity-truth/<name>.ts): the first sync mirrors everything in ceil(N/1000)+1
 * calls at most; after changes in Xero only the changed rows are written; a sync with nothing new
 * makes one call and writes nothing; records changed between pages are not skipped; cancelled
 * records stay, with Xero's status. After each step the database equals the simulator's truth.
 */
import { and, eq, inArray } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db";
import { entity as entityNamed } from "@/lib/entities/registry";
import { syncTenant, type EntitySyncResult } from "@/lib/sync";
import type { SimEndpoint } from "@/tests/helpers/sim-control";
import { apiLog, createWorld, ctl, type SyncWorld } from "../sync/harness";

type Tenant = SyncWorld["user"]["tenants"][number];
export type Truth<V> = (db: Db, sim: SimEndpoint, tenant: { id: string; xeroTenantId: string }) => Promise<{ want: V[]; got: V[] }>;
type Changes = { changes: { entity: string; id: string; kind: string; status: string }[] };

export interface KeysetEntityCase<V extends { id: string; status: string }> {
  /** The definition's (and the simulator fixture's) name. */
  entity: string;
  /** Records of the first organisation (over one page of 1,000) and of the second (paged by 100). */
  count: number;
  smallCount: number;
  invoices: number;
  /** Other fixtures' counts in both organisations (say, none that would add records of this entity). */
  otherCounts?: Record<string, number>;
  truth: Truth<V>;
  /** Mutation kinds that edit or create records. */
  changeKinds: string[];
  /** Mutation kinds that cancel a record, and the status each leaves. */
  cancelKinds: Record<string, string>;
}

export interface KeysetContext {
  world: () => SyncWorld;
  big: () => Tenant;
  small: () => Tenant;
  /** Syncs `entities` (default: this entity) and returns the first one's result. */
  sync: (tenant: Tenant, options?: { pageSize?: number; entities?: string[] }) => Promise<EntitySyncResult & { calls: number }>;
  mutate: (tenant: Tenant, kinds: string[], count: number) => Promise<Changes["changes"]>;
}

export async function expectTruth<V>(truth: Truth<V>, world: SyncWorld, tenant: Tenant): Promise<void> {
  const { want, got } = await truth(world.db.db, world.sim, tenant);
  expect(got.length).toBe(want.length);
  expect(got).toEqual(want);
}

/** The keyset contract for one entity; `more` adds the entity's own tests on the same world. */
export function describeKeysetEntity<V extends { id: string; status: string }>(c: KeysetEntityCase<V>, more?: (ctx: KeysetContext) => void): void {
  const def = entityNamed(c.entity);
  describe(`${c.entity}: keyset walk against the simulator`, () => {
    let world: SyncWorld;
    beforeAll(async () => {
      world = await createWorld([
        { name: "Sales Big (NZ)", invoices: c.invoices, contacts: 300, counts: { ...c.otherCounts, [c.entity]: c.count } },
        { name: "Sales Small (UK)", invoices: Math.max(200, Math.round(c.invoices / 4)), contacts: 100, counts: { ...c.otherCounts, [c.entity]: c.smallCount } },
      ]);
    });
    afterAll(() => world?.close());
    const big = () => world.user.tenants.find((t) => t.name.startsWith("Sales Big"))!;
    const small = () => world.user.tenants.find((t) => t.name.startsWith("Sales Small"))!;
    const sync: KeysetContext["sync"] = async (tenant, options = {}) => {
      const entities = options.entities ?? [c.entity];
      const r = await syncTenant(world.db.db, { tenantId: tenant.id, trigger: "manual", entities, ...(options.pageSize ? { pageSize: options.pageSize } : {}) });
      expect(r.status).toBe("success");
      if (r.status !== "success") throw new Error(`sync ${r.status}: ${"error" in r ? r.error : ""}`);
      const e = r.entities.find((x) => x.entity === entities[0])!;
      expect(e.outcome).toBe("success");
      return { ...e, calls: r.calls };
    };
    const mutate: KeysetContext["mutate"] = async (tenant, kinds, count) =>
      (await ctl<Changes>(world.sim, "POST", "/__sim/mutate", { tenantId: tenant.xeroTenantId, entity: c.entity, count, kinds })).changes;

    it("first sync: every record, ceil(N/1000)+1 calls at most, equal to the simulator's truth", async () => {
      const e = await sync(big());
      expect(e.inserted).toBe(c.count);
      expect(e.pages).toBeLessThanOrEqual(Math.ceil(c.count / 1000) + 1);
      await expectTruth(c.truth, world, big());
      // page is always sent (line items come only with it) and so is the page size.
      const log = await apiLog(world.sim, big().xeroTenantId);
      const lists = log.entries.filter((x) => x.path.toLowerCase().endsWith(`/${def.xero.endpoint.toLowerCase()}`));
      expect(lists.length).toBe(e.pages);
      for (const x of lists) expect(x.query).toMatchObject({ pageSize: "1000", order: "UpdatedDateUTC ASC", page: expect.any(String) });
    });

    it("incremental: after changes in Xero only the changed records are written", async () => {
      const changes = (await mutate(big(), c.changeKinds, 12)).filter((x) => x.entity === c.entity);
      expect(changes.length).toBeGreaterThan(0);
      const changed = new Set(changes.map((x) => x.id));
      const e = await sync(big());
      expect(e.inserted + e.updated).toBe(changed.size);
      expect(e.pages).toBe(1);
      await expectTruth(c.truth, world, big());
    });

    it("no-op: one call, nothing written", async () => {
      const e = await sync(big());
      expect(e.calls).toBeLessThanOrEqual(1);
      expect(e.inserted + e.updated).toBe(0);
      await expectTruth(c.truth, world, big());
    });

    it("records changed and cancelled between pages are not skipped", async () => {
      const t = small();
      await ctl(world.sim, "POST", "/__sim/faults", {
        faults: [{ kind: "mutate-between-pages", tenantId: t.xeroTenantId, path: `/${def.xero.endpoint}`, entity: c.entity, times: 2, count: 10, kinds: [...c.changeKinds, ...Object.keys(c.cancelKinds)] }],
      });
      const e = await sync(t, { pageSize: 100 });
      expect(e.pages).toBeGreaterThanOrEqual(3);
      expect((await ctl<unknown[]>(world.sim, "GET", "/__sim/faults")).length).toBe(0); // both mutations happened
      await expectTruth(c.truth, world, t);
    });

    it(`cancelled in Xero (${Object.values(c.cancelKinds).join(", ")}): the row stays, with Xero's status`, async () => {
      const t = small();
      const table = def.table as PgTable & Record<string, PgColumn>;
      for (const [kind, status] of Object.entries(c.cancelKinds)) {
        expect(def.deletes.statuses, "a cancelled status the definition leaves out of totals").toContain(status);
        const cancelled = (await mutate(t, [kind], 3)).filter((x) => x.entity === c.entity);
        expect(cancelled.length, kind).toBeGreaterThan(0);
        const e = await sync(t);
        expect(e.updated, kind).toBe(cancelled.length);
        const rows = await world.db.db
          .select({ id: def.idColumn, status: table.status! })
          .from(def.table)
          .where(and(eq(table.tenantId!, t.id), inArray(def.idColumn, cancelled.map((x) => x.id))));
        expect(rows.map((r) => r.status), kind).toEqual(cancelled.map(() => status));
      }
      await expectTruth(c.truth, world, t);
    });

    more?.({ world: () => world, big, small, sync, mutate });
  });
}
