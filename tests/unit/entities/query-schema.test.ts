import { describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { z } from "zod";
import type { EntityDefinition } from "@/lib/entities/definition";
import { entityParamNames, entityQuerySchema, filterParams, parseEntityApiQuery, parseEntityQuery, sortColumnOf } from "@/lib/entities/read-model-params";
import { ENTITIES, entity } from "@/lib/entities/registry";
import { encodeCursor } from "@/lib/lists/keyset";

/**
 * The one zod schema per entity, built from its view: lenient for pages (every malformed value
 * falls back), strict for the read API (a ZodError naming each bad or unknown parameter). Walked
 * generically over the registry, so entities added later are covered by the same checks.
 */

const ID = "0b9a4a8e-1f5c-4d2e-9a7b-3c1d2e3f4a5b";

function apiIssues(def: EntityDefinition, raw: Record<string, string>): Record<string, string> {
  const r = entityQuerySchema(def, "api").safeParse(raw);
  if (r.success) return {};
  return Object.fromEntries(r.error.issues.map((i) => [i.path.join("."), i.message]));
}

/** A valid value of each filter parameter, and an invalid one. */
function samples(def: EntityDefinition): { param: string; good: string; bad: string }[] {
  return def.view.filters.flatMap((f) => {
    switch (f.kind) {
      case "enum":
        return [{ param: f.key, good: f.values[0]!, bad: "NOT_A_VALUE" }];
      case "choice":
        return [{ param: f.key, good: f.options[0]!.value, bad: "nope" }];
      case "ref":
        return [{ param: f.key, good: ID, bad: "' or 1=1 --" }];
      case "boolean":
      case "condition":
        return [{ param: f.key, good: "1", bad: "yes" }];
      case "dateRange":
        return filterParams(f).map((p) => ({ param: p, good: "2026-01-31", bad: "2026-02-30" }));
    }
  });
}

describe.each(ENTITIES.map((def) => [def.name, def] as const))("%s: query schema from its view", (_name, def) => {
  it("defaults: the view's default sort and its direction, first page, 50 rows", () => {
    const q = parseEntityQuery(def, {});
    const sort = def.view.sorts.find((s) => s.key === def.view.defaultSort)!;
    expect(q).toMatchObject({ sort: sort.key, dir: sort.defaultDir, size: 50, page: 1, after: null, before: null, last: false, filters: {} });
    expect(parseEntityApiQuery(def, {})).toMatchObject({ sort: sort.key, dir: sort.defaultDir, size: 50 });
  });

  it("every sort of the view has a keyset column, and its cursor decodes only for that sort", () => {
    for (const s of def.view.sorts) {
      const col = sortColumnOf(def, s.key);
      const k = { date: "2026-01-01", numeric: "12.5", timestamptz: "2026-01-01 00:00:00+00", text: "abc" }[col.cast];
      const cursor = encodeCursor({ s: `${s.key}.asc`, k, id: ID });
      expect(parseEntityQuery(def, { sort: s.key, dir: "asc", after: cursor, p: "4" })).toMatchObject({ sort: s.key, dir: "asc", after: { k, id: ID }, page: 4 });
      expect(parseEntityQuery(def, { sort: s.key, dir: "desc", after: cursor }).after).toBeNull();
      expect(apiIssues(def, { sort: s.key, dir: "desc", after: cursor })).toHaveProperty("after");
    }
  });

  it("pages keep good values and drop bad ones; the API names each bad one", () => {
    for (const { param, good, bad } of samples(def)) {
      expect(apiIssues(def, { [param]: good }), `${param}=${good}`).toEqual({});
      const lenient = parseEntityQuery(def, { [param]: bad });
      expect(lenient.filters, `${param}=${bad}`).toEqual({});
      expect(apiIssues(def, { [param]: bad }), `${param}=${bad}`).toHaveProperty(param);
    }
    for (const [param, bad] of [["sort", "bogus"], ["dir", "up"], ["org", "nope"], ["limit", "0"], ["limit", "201"], ["last", "yes"]] as const) {
      expect(apiIssues(def, { [param]: bad }), `${param}=${bad}`).toHaveProperty(param);
    }
    expect(apiIssues(def, { bogus: "1" })).toHaveProperty("bogus");
    if (def.view.search.length) expect(apiIssues(def, { q: "\u0001" })).toHaveProperty("q");
  });

  it("every parameter the page keeps in its links is one the schema knows", () => {
    const shape = entityParamNames(def);
    expect(new Set(shape).size).toBe(shape.length);
    for (const p of entityParamNames(def, "api")) expect(apiIssues(def, { [p]: "x" })[p] ?? "", p).not.toMatch(/is not a parameter/);
    expect(apiIssues(def, { nope: "x" }).nope).toMatch(/is not a parameter/);
  });
});

describe("invoices and contacts: their historical parameters", () => {
  const invoices = entity("invoices");
  const contacts = entity("contacts");

  it("invoices: status, type sales|bills, contact, from/to (swapped when inverted), overdue=1, q", () => {
    const q = parseEntityApiQuery(invoices, { status: "PAID", type: "bills", contact: ID.toUpperCase(), from: "2026-03-01", to: "2026-01-01", overdue: "1", q: "  INV-1  ", org: ID });
    expect(q.filters).toEqual({ status: "PAID", type: "bills", contact: ID, date: { from: "2026-01-01", to: "2026-03-01" }, overdue: true });
    expect(q.q).toBe("INV-1");
    expect(q.tenant).toBe(ID);
    expect(parseEntityApiQuery(invoices, { overdue: "0" }).filters).toEqual({});
  });

  it("contacts: role customer|supplier, status, sort by email", () => {
    expect(parseEntityApiQuery(contacts, { role: "supplier", status: "ARCHIVED", sort: "email" })).toMatchObject({ filters: { role: "supplier", status: "ARCHIVED" }, sort: "email", dir: "asc" });
    expect(apiIssues(contacts, { role: "admin" })).toEqual({ role: "must be one of customer, supplier" });
  });

  it("the API's page size is limit (or size) 1–200; a page's size is one of 25, 50, 100", () => {
    expect(parseEntityApiQuery(invoices, { limit: "200" }).size).toBe(200);
    expect(parseEntityApiQuery(invoices, { size: "7" }).size).toBe(7);
    expect(parseEntityQuery(invoices, { size: "100" }).size).toBe(100);
    expect(parseEntityQuery(invoices, { size: "7" }).size).toBe(50);
  });

  it("the strict schema's error is a ZodError (the handler's 400 with fieldErrors by parameter)", () => {
    expect(() => parseEntityApiQuery(invoices, { sort: "bogus" })).toThrow(z.ZodError);
  });
});

describe("a view's own filters", () => {
  it("a condition and a choice filter: their keys, their values, nothing else", () => {
    const invoices = entity("invoices");
    const def: EntityDefinition = {
      ...invoices,
      view: {
        ...invoices.view,
        filters: [
          { kind: "condition", key: "big", label: "Big only", where: () => sql`true` },
          { kind: "choice", key: "bucket", label: "Bucket", options: [{ value: "s", label: "Small", where: () => sql`true` }] },
          { kind: "dateRange", key: "due", label: "Due", column: "dueDate" },
        ],
      },
    };
    expect(entityParamNames(def)).toEqual(["org", "big", "bucket", "dueFrom", "dueTo", "q", "sort", "dir", "after", "before", "last", "p", "size"]);
    expect(parseEntityQuery(def, { big: "1", dueFrom: "2026-01-01" }).filters).toEqual({ big: true, due: { from: "2026-01-01" } });
    expect(apiIssues(def, { from: "2026-01-01" })).toHaveProperty("from");
  });
});
