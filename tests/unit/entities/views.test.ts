/**
 * Every entity definition's view points at what exists: every field,
 * list column, sort, filter, search and total names a column of the entity's table; each sort has
 * an index leading with (tenant_id, that column); searched text has a trigram index; refs and
 * relations name registered entities and their columns.
 */
import { getTableColumns, type Table } from "drizzle-orm";
import { getTableConfig, type PgTable } from "drizzle-orm/pg-core";
import { describe, expect, it } from "vitest";
import { ENTITIES, entity, entityByName } from "@/lib/entities/registry";

const NAMES = ENTITIES.map((e) => e.name);

describe.each(NAMES)("%s: the view matches the table", (name) => {
  const def = entity(name);
  const columns = getTableColumns(def.table as Table) as Record<string, { name: string }>;
  const indexes = getTableConfig(def.table as PgTable).indexes.map((i) => i.config);
  const has = (key: string) => key in columns;

  it("names only the table's columns", () => {
    const v = def.view;
    const keys = [...v.fields.map((f) => f.key), ...v.columns, v.titleKey, ...v.sorts.map((s) => s.column), ...v.filters.flatMap((f) => ("column" in f ? [f.column] : [])), ...v.search, ...(v.totals?.money ?? []), ...(v.totals ? [v.totals.currencyKey] : [])];
    expect(keys.filter((k) => !has(k))).toEqual([]);
    expect(v.columns.filter((c) => !v.fields.some((f) => f.key === c))).toEqual([]);
    expect(v.sorts.some((s) => s.key === v.defaultSort)).toBe(true);
  });

  it("each sort is served by an index leading with (tenant_id, its column); searched text has a trigram index", () => {
    const leading = (i: (typeof indexes)[number]) => i.columns.map((c) => ("name" in c ? c.name : undefined));
    // The primary key (tenant_id, id) serves a sort on the id itself (tax rates by TaxType).
    const primary = getTableConfig(def.table as PgTable).primaryKeys.map((k) => k.columns.map((c) => c.name));
    for (const s of def.view.sorts) {
      const name = columns[s.column]!.name;
      const served = indexes.some((i) => leading(i)[0] === "tenant_id" && leading(i)[1] === name) || primary.some((k) => k[0] === "tenant_id" && k[1] === name);
      expect(served, s.key).toBe(true);
    }
    // A trigram index is an expression (`col gin_trgm_ops`) whose chunks hold the column.
    const onColumn = (i: (typeof indexes)[number], key: string) =>
      i.columns.some((c) => ((c as { queryChunks?: { name?: string }[] }).queryChunks ?? []).some((q) => q?.name === columns[key]!.name));
    for (const key of def.view.search) expect(indexes.some((i) => i.method === "gin" && onColumn(i, key)), key).toBe(true);
  });

  it("refs and relations name registered entities and their columns", () => {
    const refs = [...def.view.fields.flatMap((f) => (f.ref ? [f.ref.entity] : [])), ...def.view.filters.flatMap((f) => (f.kind === "ref" ? [f.entity] : []))];
    expect(refs.filter((r) => !entityByName(r))).toEqual([]);
    for (const r of def.view.relations ?? []) {
      const other = entityByName(r.entity);
      expect(other, r.entity).toBeDefined();
      if (r.column) expect(r.column in getTableColumns(other!.table as Table), `${r.entity}.${r.column}`).toBe(true);
      if (r.viaChild) expect(r.viaChild.column in getTableColumns(r.viaChild.table as Table), `${r.entity} via ${r.viaChild.column}`).toBe(true);
    }
  });
});

describe("contacts list their bank transactions and purchase orders", () => {
  it("through each entity's contact_id", () => {
    for (const name of ["bankTransactions", "purchaseOrders"]) {
      const relation = entity("contacts").view.relations?.find((r) => r.entity === name);
      expect(relation?.column, name).toBe("contactId");
      expect("contactId" in getTableColumns(entity(name).table as Table)).toBe(true);
    }
  });
});
