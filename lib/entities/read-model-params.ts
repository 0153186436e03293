import { getTableColumns } from "drizzle-orm";
import { getTableConfig, type PgColumn } from "drizzle-orm/pg-core";
import { z } from "zod";
import type { EntityDefinition, FilterSpec, SortSpec } from "./definition";
import { decodeCursor, UUID_RE, type Cursor, type IdKind, type SortColumn, type SortDirection } from "@/lib/lists/keyset";
import { PAGE_SIZES, type RawSearchParams } from "@/lib/lists/search-params";

/**
 * The query of an entity's list (page, CSV export, read API), parsed by ONE zod schema per entity
 * built from its view: filters, sorts, search, paging. Two modes of the same schema:
 * - "page": a person clicked an old link or typed a URL, so every malformed value falls back to
 *   its default and the page still shows;
 * - "api": a program gets a 400 naming each bad parameter (and each unknown one), so mistakes
 *   surface instead of quietly returning another list.
 */

export type ParseMode = "page" | "api";

/** A filter's parsed value: enum / choice / ref → the value, boolean → true/false, condition → true, dateRange → its bounds. */
export type FilterValue = string | boolean | { from?: string; to?: string };

export interface EntityQuery {
  tenant?: string;
  /** By filter key; a filter absent from the URL is absent here. */
  filters: Record<string, FilterValue>;
  q?: string;
  sort: string;
  dir: SortDirection;
  size: number;
  after: Cursor | null;
  before: Cursor | null;
  last: boolean;
  /** Display-only page number carried in the URL (never used to fetch). */
  page: number;
}

/** The table's columns by their (camelCase) keys. */
export function columnsOf(def: EntityDefinition): Record<string, PgColumn> {
  return getTableColumns(def.table) as Record<string, PgColumn>;
}

export function columnOf(def: EntityDefinition, key: string): PgColumn {
  const col = columnsOf(def)[key];
  if (!col) throw new Error(`${def.name}: no column ${key}`);
  return col;
}

export function idKindOf(def: EntityDefinition): IdKind {
  return def.idColumn.columnType === "PgUUID" ? "uuid" : "text";
}

/** Is `id` the shape of this entity's record id (checked before it reaches SQL)? */
export function validRecordId(def: EntityDefinition, id: string): boolean {
  return idKindOf(def) === "uuid" ? UUID_RE.test(id) : id.length > 0 && id.length <= 200 && !/\u0000|\p{Cs}/u.test(id);
}

/** The zod schema of a record id of this entity in a URL (the API's path parameter): the same rule as validRecordId. */
export function recordIdValue(def: EntityDefinition): z.ZodType<string, string> {
  if (idKindOf(def) === "uuid") return uuidValue;
  return z
    .string()
    .min(1, "must be a record id")
    .max(200, "must be a record id of at most 200 characters")
    .refine((id) => !/\u0000|\p{Cs}/u.test(id), "must be a record id")
    .meta({ description: `Xero's ${def.xero.idField}` });
}

const CASTS: Record<string, SortColumn["cast"]> = {
  PgDateString: "date",
  PgDate: "date",
  PgNumeric: "numeric",
  PgInteger: "numeric",
  PgBigInt53: "numeric",
  PgSmallInt: "numeric",
  PgReal: "numeric",
  PgDoublePrecision: "numeric",
  PgTimestamp: "timestamptz",
  PgTimestampString: "timestamptz",
  PgText: "text",
  PgVarchar: "text",
};

const sortColumns = new WeakMap<EntityDefinition, Map<string, SortColumn>>();

/**
 * How keyset paging reads one sort of the entity: the column's type and nullability, and whether
 * the table has an index (tenant_id, column DESC, id) to read in order (see SortColumn).
 */
export function sortColumnOf(def: EntityDefinition, sortKey: string): SortColumn {
  let byKey = sortColumns.get(def);
  if (!byKey) {
    byKey = new Map();
    sortColumns.set(def, byKey);
  }
  const hit = byKey.get(sortKey);
  if (hit) return hit;
  const spec = def.view.sorts.find((s) => s.key === sortKey);
  if (!spec) throw new Error(`${def.name}: no sort ${sortKey}`);
  const col = columnOf(def, spec.column);
  const cast = CASTS[col.columnType];
  if (!cast) throw new Error(`${def.name}: cannot sort by ${spec.column} (${col.columnType})`);
  const descIndex = getTableConfig(def.table).indexes.some((ix) => {
    const cols = ix.config.columns as unknown as { name?: string; indexConfig?: { order?: string } }[];
    return cols.length === 3 && cols[0]?.name === "tenant_id" && cols[1]?.name === col.name && cols[1]?.indexConfig?.order === "desc" && cols[2]?.name === def.idColumn.name;
  });
  const sort: SortColumn = { expr: col, cast, nullable: !col.notNull, ...(descIndex ? { idFlip: true, indexDescNullsLast: true } : {}) };
  byKey.set(sortKey, sort);
  return sort;
}

/** The URL parameters of a filter: one, or a date range's two. */
export function filterParams(f: FilterSpec): string[] {
  if (f.kind !== "dateRange") return [f.key];
  return f.key === "date" ? ["from", "to"] : [`${f.key}From`, `${f.key}To`];
}

const PAGING_PARAMS = ["sort", "dir", "after", "before", "last"] as const;

/** Every URL parameter the entity's list understands (the page keeps these across links). */
export function entityParamNames(def: EntityDefinition, mode: ParseMode = "page"): string[] {
  return ["org", ...def.view.filters.flatMap(filterParams), ...(def.view.search.length ? ["q"] : []), ...PAGING_PARAMS, ...(mode === "api" ? ["limit", "size"] : ["p", "size"])];
}

function firstValue(v: unknown): unknown {
  const s = Array.isArray(v) ? v[0] : v;
  if (typeof s !== "string") return undefined;
  const t = s.trim();
  return t === "" ? undefined : t;
}

/** An id of Xero's (a GUID, any case; lower-cased). Exported for the API's path parameters. */
export const uuidValue = z
  .string()
  .transform((s) => s.toLowerCase())
  .pipe(z.string().regex(UUID_RE, "must be a record id (a UUID)"))
  .meta({ format: "uuid" });
const uuid = uuidValue;

const day = z.iso.date("must be a date YYYY-MM-DD").refine((v) => Number(v.slice(0, 4)) >= 1900 && Number(v.slice(0, 4)) <= 2200, "must be a date between 1900 and 2200");

// An enum rather than a refinement, so the API's document lists the values.
const oneOf = (values: readonly string[]) => z.enum(values as [string, ...string[]], `must be one of ${values.join(", ")}`);

/** Free text for search: bounded length, control characters removed; nothing left is no search. */
const searchText = z
  .string()
  .transform((v) => v.replace(/[\u0000-\u001f\u007f]/g, "").slice(0, 100).trim())
  .refine((v) => v !== "", "must contain text");

/** The read API's page size (`limit`): 1 to 200. */
export const apiLimit = z
  .string()
  .regex(/^\d{1,4}$/, "must be a whole number from 1 to 200")
  .transform(Number)
  .refine((n) => n >= 1 && n <= 200, "must be a whole number from 1 to 200")
  .meta({ description: "Records a page, 1 to 200 (default 50)" });

const flag = z.enum(["1", "0"], "must be 1 or 0");

function filterSchemas(f: FilterSpec): Record<string, z.ZodType> {
  const about = { description: f.label };
  switch (f.kind) {
    case "enum":
      return { [f.key]: oneOf(f.values).meta(about) };
    case "choice":
      return { [f.key]: oneOf(f.options.map((o) => o.value)).meta({ description: `${f.label}: ${f.options.map((o) => `${o.value} (${o.label})`).join(", ")}` }) };
    case "ref":
      return { [f.key]: uuid.meta({ description: `${f.label} (its id)` }) };
    case "boolean":
    case "condition":
      return { [f.key]: flag.meta(about) };
    case "dateRange": {
      const [from, to] = filterParams(f) as [string, string];
      return { [from]: day.meta({ description: `${f.label} on or after` }), [to]: day.meta({ description: `${f.label} on or before` }) };
    }
  }
}

function lenient(schema: z.ZodType, mode: ParseMode): z.ZodType {
  return z.preprocess(firstValue, mode === "page" ? schema.optional().catch(undefined) : schema.optional());
}

const schemas = new WeakMap<EntityDefinition, Partial<Record<ParseMode, z.ZodType<EntityQuery, RawSearchParams>>>>();

/**
 * Each parameter of an entity's list and the zod schema of one value of it (before the first of
 * a repeated parameter is taken): what entityQuerySchema parses with, and what the API's OpenAPI
 * document describes (lib/api/routes.ts).
 */
const shapes = new WeakMap<EntityDefinition, Partial<Record<ParseMode, Record<string, z.ZodType>>>>();

export function entityQueryShape(def: EntityDefinition, mode: ParseMode): Record<string, z.ZodType> {
  const cached = shapes.get(def)?.[mode];
  if (cached) return cached;
  const shape = buildQueryShape(def, mode);
  shapes.set(def, { ...shapes.get(def), [mode]: shape });
  return shape;
}

function buildQueryShape(def: EntityDefinition, mode: ParseMode): Record<string, z.ZodType> {
  const sortKeys = def.view.sorts.map((s) => s.key);
  return {
    org: uuid.meta({ description: "Only this organisation's (its id)" }),
    ...Object.assign({}, ...def.view.filters.map(filterSchemas)),
    ...(def.view.search.length ? { q: searchText.meta({ description: "Text found in any of: " + def.view.search.join(", ") }) } : {}),
    sort: oneOf(sortKeys).meta({ description: `Sort by (default ${def.view.defaultSort})` }),
    dir: z.enum(["asc", "desc"], "must be asc or desc"),
    after: z.string().meta({ description: "`page.next` of the previous answer (same sort)" }),
    before: z.string().meta({ description: "`page.prev` of the previous answer (same sort)" }),
    last: mode === "page" ? z.string() : z.literal("1", "must be 1").meta({ description: "1: the last page" }),
    ...(mode === "page"
      ? {
          size: z.string().regex(/^\d{1,4}$/).transform(Number).refine((n) => (PAGE_SIZES as readonly number[]).includes(n)),
          p: z.string().regex(/^\d{1,7}$/).transform(Number),
        }
      : {
          limit: apiLimit,
          size: apiLimit,
        }),
  };
}

/**
 * The zod schema of an entity's list query, from its view (cached per definition and mode).
 * Input: the URL's search params (repeated parameters: the first counts); output: EntityQuery.
 */
export function entityQuerySchema(def: EntityDefinition, mode: ParseMode): z.ZodType<EntityQuery, RawSearchParams> {
  const cached = schemas.get(def)?.[mode];
  if (cached) return cached;
  const sorts = def.view.sorts;
  const shape = entityQueryShape(def, mode);
  const known = new Set(Object.keys(shape));
  // Loose: unknown parameters pass through to be named in the API's answer (pages ignore them).
  const object = z.looseObject(Object.fromEntries(Object.entries(shape).map(([k, s]) => [k, lenient(s, mode)])));
  const schema = z
    .custom<RawSearchParams>((v) => typeof v === "object" && v !== null)
    .pipe(object as unknown as z.ZodType<Record<string, unknown>, RawSearchParams>)
    .transform((o, ctx): EntityQuery => {
      if (mode === "api") {
        for (const key of Object.keys(o)) {
          if (!known.has(key)) ctx.addIssue({ code: "custom", path: [key], message: `is not a parameter of this list (known: ${[...known].join(", ")})` });
        }
      }
      const v = o as Record<string, unknown>;
      const sort = (v.sort as string | undefined) ?? def.view.defaultSort;
      const spec = sorts.find((s) => s.key === sort) as SortSpec;
      const dir = (v.dir as SortDirection | undefined) ?? spec.defaultDir;
      const sortKey = `${sort}.${dir}`;
      const sortCol = sortColumnOf(def, sort);
      const cursor = (param: "after" | "before"): Cursor | null => {
        const given = v[param] as string | undefined;
        if (given === undefined) return null;
        const c = decodeCursor(given, sortKey, sortCol, idKindOf(def));
        if (!c && mode === "api") ctx.addIssue({ code: "custom", path: [param], message: `is not a cursor of this list sorted by ${sort} ${dir} (use page.next or page.prev of an answer with the same sort)` });
        return c;
      };
      const after = cursor("after");
      const before = after ? null : cursor("before");
      const filters: Record<string, FilterValue> = {};
      for (const f of def.view.filters) {
        if (f.kind === "dateRange") {
          const [fromKey, toKey] = filterParams(f) as [string, string];
          let from = v[fromKey] as string | undefined;
          let to = v[toKey] as string | undefined;
          if (from && to && from > to) [from, to] = [to, from];
          if (from || to) filters[f.key] = { ...(from ? { from } : {}), ...(to ? { to } : {}) };
        } else if (f.kind === "boolean") {
          if (v[f.key] !== undefined) filters[f.key] = v[f.key] === "1";
        } else if (f.kind === "condition") {
          if (v[f.key] === "1") filters[f.key] = true;
        } else if (v[f.key] !== undefined) {
          filters[f.key] = v[f.key] as string;
        }
      }
      const pageHint = v.p as number | undefined;
      const last = !after && !before && v.last === "1";
      return {
        tenant: v.org as string | undefined,
        filters,
        q: v.q as string | undefined,
        sort,
        dir,
        size: (v.limit as number | undefined) ?? (v.size as number | undefined) ?? 50,
        after,
        before,
        last,
        page: after || before ? (pageHint !== undefined && pageHint > 1 ? pageHint : 2) : 1,
      };
    });
  schemas.set(def, { ...schemas.get(def), [mode]: schema });
  return schema;
}

/** A page's list query: never fails (malformed values fall back to their defaults). */
export function parseEntityQuery(def: EntityDefinition, raw: RawSearchParams): EntityQuery {
  return entityQuerySchema(def, "page").parse(raw);
}

/** The read API's list query: a ZodError naming each bad parameter (the handler answers 400). */
export function parseEntityApiQuery(def: EntityDefinition, raw: RawSearchParams): EntityQuery {
  return entityQuerySchema(def, "api").parse(raw);
}

/** Whether any filter or search narrows the list (for "no matches" vs "nothing synced yet"). */
export function isFiltered(q: EntityQuery): boolean {
  return Boolean(q.tenant || q.q || Object.keys(q.filters).length);
}
