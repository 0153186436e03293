/**
 * Tracking categories over HTTP: asked with includeArchived=true, refreshed whole when due and
 * compared by content; the options live in tracking_options, replaced with their category.
 */
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { trackingOptions } from "@/lib/db/schema";
import { trackingCategoriesEntity } from "@/lib/entities/trackingCategories";
import { syncTenant, type EntitySyncResult } from "@/lib/sync";
import { trackingCategoryViews } from "@/tests/helpers/entity-truth/trackingCategories";
import { createWorld, ctl, type SyncWorld } from "../sync/harness";
import { ageCursor, observedSource, type ObservedSource } from "./settings-harness";

type Changes = { changes: { id: string; kind: string }[] };

describe("tracking categories and their options: refreshed whole when due", () => {
  let world: SyncWorld;
  let tenant: SyncWorld["user"]["tenants"][number];
  let source: ObservedSource;
  const everyHours = trackingCategoriesEntity.walk.kind === "refresh" ? trackingCategoriesEntity.walk.everyHours : 0;

  const sync = async (): Promise<EntitySyncResult & { calls: number }> => {
    const result = await syncTenant(world.db.db, { tenantId: tenant.id, trigger: "manual", entities: ["trackingCategories"], source });
    expect(result.status).toBe("success");
    if (result.status !== "success") throw new Error(result.status);
    return { ...result.entities[0]!, calls: result.calls };
  };
  const expectTruth = async () => {
    const v = await trackingCategoryViews(world.db.db, world.sim, tenant);
    expect(v.got).toEqual(v.want);
    return v;
  };
  const mutate = (kinds: string[], n: number) => ctl<Changes>(world.sim, "POST", "/__sim/mutate", { tenantId: tenant.xeroTenantId, entity: "trackingCategories", count: n, kinds });
  const optionRowIds = async () => (await world.db.db.select({ c: sql<string>`ctid::text`, id: trackingOptions.trackingOptionId }).from(trackingOptions).where(eq(trackingOptions.tenantId, tenant.id))).map((r) => `${r.id}@${r.c}`).sort();

  beforeAll(async () => {
    world = await createWorld([{ name: "Tracking Org (NZ)", invoices: 200, contacts: 20 }]);
    tenant = world.user.tenants[0]!;
    source = observedSource();
  });
  afterAll(() => world?.close());

  it("first sync: the categories with every option, archived ones included, in Xero's order", async () => {
    const r = await sync();
    expect(source.take("trackingCategories")).toEqual([{ ifModifiedSince: undefined }]);
    const v = await expectTruth();
    expect(r.inserted).toBe(v.want.length);
    expect(v.want.length).toBe(2);
    expect(v.got.flatMap((c) => c.options).some((o) => o.status === "ARCHIVED")).toBe(true);
    expect(v.optionRows).toBe(v.want.reduce((n, c) => n + c.options.length, 0));
  });

  it("not due: no call; due and unchanged: one call, nothing written, the options left as they are", async () => {
    expect((await sync()).calls).toBe(0);
    const before = await optionRowIds();
    await ageCursor(world.db.db, tenant.id, "trackingCategories", everyHours + 1);
    const r = await sync();
    expect(r.calls).toBe(1);
    expect(r.inserted + r.updated).toBe(0);
    expect(await optionRowIds()).toEqual(before);
  });

  it("options added, renamed, archived and deleted in Xero: the category is rewritten with exactly its options", async () => {
    const changed = new Set<string>();
    for (const kind of ["addOption", "renameOption", "archiveOption", "deleteOption"]) for (const c of (await mutate([kind], 1)).changes) changed.add(c.id);
    await ageCursor(world.db.db, tenant.id, "trackingCategories", everyHours + 1);
    const r = await sync();
    expect(r.updated).toBe(changed.size);
    const v = await expectTruth();
    expect(v.optionRows).toBe(v.want.reduce((n, c) => n + c.options.length, 0));
  });

  it("an archived category stays, with its status (includeArchived=true)", async () => {
    const archived = await mutate(["archive"], 1);
    await ageCursor(world.db.db, tenant.id, "trackingCategories", everyHours + 1);
    const r = await sync();
    expect(r.updated).toBe(1);
    expect(r.deletedInXero).toBeUndefined();
    const v = await expectTruth();
    expect(v.got.find((c) => c.id === archived.changes[0]!.id)?.status).toBe("ARCHIVED");
  });
});
