import { and, asc, desc, isNotNull, isNull, sql, type SQL, type SQLWrapper } from "drizzle-orm";
import { z } from "zod";

/**
 * Keyset ("seek") pagination shared by the entity and history read models.
 *
 * Why keyset and not OFFSET: OFFSET n makes PostgreSQL walk and discard n rows, so page 1,000 of
 * 100,000 invoices costs ~1,000× page 1. A cursor holding the last row's (sort value, id) lets the
 * query start exactly there, using the (tenant_id, sort column, id) indexes, so every page costs
 * the same (tests/bench/pages.ts measures the ratio).
 *
 * Nullable sort columns (invoice number, dates, money) are split into two *segments*, "rows with a
 * value" then "rows without", each fetched by its own index-friendly query: an `OR col IS NULL` in a
 * seek predicate would stop PostgreSQL from using the column as an index bound. Rows without a value
 * always come last, whatever the direction, which is what people expect in a finance table.
 */

export type SortDirection = "asc" | "desc";

export interface SortColumn {
  /** The column (or expression) sorted on. */
  expr: SQLWrapper;
  /** SQL type used to cast the cursor's text value back, e.g. "date", "numeric", "timestamptz", "text". */
  cast: "date" | "numeric" | "timestamptz" | "text";
  nullable: boolean;
  /**
   * Break ties by id in the opposite direction to the sort, to match an index such as
   * (tenant_id, date DESC, invoice_id ASC) exactly, so no sort step is needed.
   */
  idFlip?: boolean;
  /**
   * The column's index is declared DESC NULLS LAST (drizzle's `.desc()`), so its scans give
   * "DESC NULLS LAST" forwards and "ASC NULLS FIRST" backwards. The value segment has no nulls, so
   * saying so in ORDER BY changes nothing in the result but lets PostgreSQL read the index in order
   * instead of sorting the whole tenant (measured: 700 ms → 1 ms at 100,000 invoices).
   */
  indexDescNullsLast?: boolean;
}

/** A decoded cursor: the sort value (as PostgreSQL's text) and the id of the row it points at. */
export interface Cursor {
  /** Sort key this cursor was made for, e.g. "date.desc"; a cursor for another sort is ignored. */
  s: string;
  k: string | null;
  id: string;
  /** The row's organisation, where ids repeat across organisations (see KeysetRequest.tenant). */
  t?: string;
}

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A calendar day PostgreSQL accepts: 2026-02-30 and year 0 are refused (Date would roll them over). */
function isCalendarDay(day: string): boolean {
  const d = new Date(`${day}T00:00:00Z`);
  return day >= "0001-01-01" && !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === day;
}

/**
 * A cursor value of each column type, exactly as PostgreSQL prints it (`expr::text`) and parses it
 * back: a value that passes can never make the seek query fail. Hours, minutes, seconds and the
 * UTC offset are range-checked too ("99:99:99" is the shape of a time, not a time).
 */
const CURSOR_VALUE: Record<SortColumn["cast"], z.ZodType<string>> = {
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).refine(isCalendarDay),
  numeric: z.string().regex(/^-?\d{1,20}(\.\d{1,12})?$/),
  timestamptz: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2} ([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,6})?[+-](0\d|1[0-5])(:[0-5]\d){0,2}$/)
    .refine((k) => isCalendarDay(k.slice(0, 10))),
  // Any text but NUL and lone surrogates, which PostgreSQL cannot store in a text value.
  text: z.string().max(1000).refine((k) => !/\u0000|\p{Cs}/u.test(k)),
};

/**
 * How a table's record id is compared: most Xero ids are GUIDs (uuid columns); a few are codes
 * (a tax rate's TaxType), kept as text.
 */
export type IdKind = "uuid" | "text";

const CURSOR_ID: Record<IdKind, z.ZodType<string>> = { uuid: z.string().regex(UUID_RE), text: CURSOR_VALUE.text.pipe(z.string().min(1).max(200)) };

/** The cursor of one sort: its key, a value of the column's type (null only where the column has nulls), an id. */
function cursorSchema(sortKey: string, sort: Pick<SortColumn, "cast" | "nullable">, idKind: IdKind = "uuid") {
  const k = CURSOR_VALUE[sort.cast];
  return z.object({ s: z.literal(sortKey), k: sort.nullable ? k.nullable() : k, id: CURSOR_ID[idKind], t: z.string().regex(UUID_RE).optional() });
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor), "utf8").toString("base64url");
}

/**
 * Decodes a cursor from a URL for the list sorted by `sort` under `sortKey`. Anything malformed, made
 * for another sort, or whose value is not of the sort column's type yields null (the first page):
 * a URL is user input and never reaches SQL unchecked.
 */
export function decodeCursor(value: string | undefined, sortKey: string, sort: Pick<SortColumn, "cast" | "nullable">, idKind: IdKind = "uuid"): Cursor | null {
  if (!value || value.length > 4000 || !/^[A-Za-z0-9_-]+$/.test(value)) return null;
  try {
    const parsed = cursorSchema(sortKey, sort, idKind).safeParse(JSON.parse(Buffer.from(value, "base64url").toString("utf8")));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Whether a cursor value has the shape PostgreSQL prints for the column type (and parses back). */
export function validCursorValue(cast: SortColumn["cast"], k: string | null): boolean {
  return k === null || CURSOR_VALUE[cast].safeParse(k).success;
}

export interface KeysetRow {
  /** The sort value as text (selected as `expr::text`), for the next cursor. */
  _k: string | null;
  _id: string;
  /** The row's organisation (read where the request breaks ties by it). */
  _tenantId?: string;
}

export interface KeysetRequest {
  sort: SortColumn;
  dir: SortDirection;
  /** The id column; ties are broken by it, in the same direction as the sort. */
  id: SQLWrapper;
  /** The id column's type (default uuid). */
  idKind?: IdKind;
  /**
   * The organisation column, where ids repeat across organisations (a tax rate's id is its code,
   * the same in every organisation of a country): ties of sort value and id are broken by it, so a
   * cursor between two such rows skips neither. The rows then carry `_tenantId`.
   */
  tenant?: SQLWrapper;
  after: Cursor | null;
  before: Cursor | null;
  /** "Last page": the final rows, read backwards. */
  last?: boolean;
  /**
   * The filters are selective (a trigram search): hide the sort column from the planner so it
   * fetches the few matches through their own index and sorts them, instead of walking the sort
   * index and filtering row by row until it has a page (measured 750 ms for a search with 80
   * matches in 100,000 invoices; 8 ms this way).
   */
  selective?: boolean;
  limit: number;
  /**
   * Runs one query: the caller's filters AND `where`, ordered by `orderBy`, at most `limit` rows,
   * each with _k = sort expr::text and _id = id::text. `mergeOrderBy` is the same order over
   * columns named MERGE_SORT (the sort expr), MERGE_ID (the id) and MERGE_TENANT (the organisation,
   * where `tenant` is given), for a caller that merges
   * several such queries (one per organisation, see mergedPages in lib/entities/read-model.ts).
   */
  fetch: (where: SQL | undefined, orderBy: SQL[], limit: number, mergeOrderBy: SQL[]) => Promise<KeysetRow[]>;
}

/** The column names a merge of keyset queries orders by: the sort value and the id, as typed values. */
export const MERGE_SORT = "_sv";
export const MERGE_ID = "_iv";
export const MERGE_TENANT = "_t";

export interface KeysetPage<T> {
  rows: T[];
  /** Cursor for the page after this one, or null at the end. */
  next: Cursor | null;
  /** Cursor for the page before this one, or null at the start. */
  prev: Cursor | null;
}

type Segment = "value" | "null";

/**
 * Fetches one page. Reading backwards (a `before` cursor, or the last page) walks the same order
 * reversed and flips the result, so Previous is as cheap as Next.
 */
export async function keysetPage<T extends KeysetRow>(req: KeysetRequest, sortKey: string): Promise<KeysetPage<T>> {
  if (req.selective) req = { ...req, sort: { ...req.sort, expr: opaque(req.sort), indexDescNullsLast: false } };
  const backwards = Boolean(req.before) || (Boolean(req.last) && !req.after);
  let cursor = backwards ? req.before : req.after;
  // A cursor the caller did not get from decodeCursor is held to the same rules: start from the beginning.
  if (cursor && !cursorSchema(sortKey, req.sort, req.idKind).safeParse(cursor).success) cursor = null;
  // The logical order: value segment (by sort dir, id tiebreak in the same dir), then nulls (by id).
  const segments: Segment[] = req.sort.nullable ? ["value", "null"] : ["value"];
  const walk = backwards ? [...segments].reverse() : segments;
  // Direction of the walk per column: forward uses dir, backwards the opposite.
  const forwardAsc = req.dir === "asc";
  const walkAsc = backwards ? !forwardAsc : forwardAsc;

  const want = req.limit + 1; // one extra row tells whether there is more
  const rows: KeysetRow[] = [];
  let started = cursor === null;
  for (const seg of walk) {
    const cursorSeg: Segment | null = cursor ? (cursor.k === null ? "null" : "value") : null;
    if (!started && cursorSeg !== seg) continue; // the cursor lies in a later segment of the walk
    const conds: SQL[] = [];
    if (req.sort.nullable) conds.push(seg === "null" ? isNull(req.sort.expr) : isNotNull(req.sort.expr));
    if (!started && cursor) {
      conds.push(seekPredicate(req, seg, cursor, walkAsc));
      started = true;
    }
    const orderBy = segmentOrder(seg, req.sort, req.id, walkAsc, req.tenant);
    const mergeOrderBy = segmentOrder(seg, { ...req.sort, expr: sql.identifier(MERGE_SORT) }, sql.identifier(MERGE_ID), walkAsc, req.tenant ? sql.identifier(MERGE_TENANT) : undefined);
    const got = await req.fetch(conds.length ? and(...conds) : undefined, orderBy, want - rows.length, mergeOrderBy);
    rows.push(...got);
    if (rows.length >= want) break;
  }

  const more = rows.length > req.limit;
  const page = rows.slice(0, req.limit);
  if (backwards) page.reverse();
  const toCursor = (r: KeysetRow | undefined): Cursor | null => (r ? { s: sortKey, k: r._k, id: r._id, ...(req.tenant && r._tenantId ? { t: r._tenantId } : {}) } : null);
  const first = page[0];
  const lastRow = page[page.length - 1];
  let next: Cursor | null;
  let prev: Cursor | null;
  if (backwards) {
    prev = more ? toCursor(first) : null;
    next = req.before ? toCursor(lastRow) : null; // "last page" has nothing after it
  } else {
    next = more ? toCursor(lastRow) : null;
    prev = req.after ? toCursor(first) : null;
  }
  return { rows: page as T[], next, prev };
}

/** The same values, as an expression no index matches (e.g. date + 0). */
function opaque(sort: SortColumn): SQL {
  const e = sort.expr;
  switch (sort.cast) {
    case "text":
      return sql`(${e} || '')`;
    case "timestamptz":
      return sql`(${e} + interval '0 seconds')`;
    default:
      return sql`(${e} + 0)`;
  }
}

/** A segment's walk order: by value then id (then organisation), or (the null segment) by id (then organisation). */
function segmentOrder(seg: Segment, sort: SortColumn, id: SQLWrapper, walkAsc: boolean, tenant?: SQLWrapper): SQL[] {
  const idAsc = seg === "null" ? walkAsc : walkAsc !== Boolean(sort.idFlip);
  const ids = [idAsc ? asc(id) : desc(id), ...(tenant ? [idAsc ? asc(tenant) : desc(tenant)] : [])];
  return seg === "null" ? ids : [valueOrder(sort, walkAsc), ...ids];
}

function valueOrder(sort: SortColumn, walkAsc: boolean): SQL {
  if (sort.indexDescNullsLast) return walkAsc ? sql`${sort.expr} asc nulls first` : sql`${sort.expr} desc nulls last`;
  return walkAsc ? asc(sort.expr) : desc(sort.expr);
}

/** Rows strictly after the cursor in the walk order, written so the sort column is an index bound. */
function seekPredicate(req: KeysetRequest, seg: Segment, cursor: Cursor, walkAsc: boolean): SQL {
  // With an organisation tiebreak, (id, organisation) compared as a row.
  const withTenant = req.tenant && cursor.t !== undefined;
  const id = withTenant ? sql`(${req.id}, ${req.tenant})` : req.id;
  const cidValue = sql`${cursor.id}::${sql.raw(req.idKind ?? "uuid")}`;
  const cid = withTenant ? sql`(${cidValue}, ${cursor.t}::uuid)` : cidValue;
  if (seg === "null") return walkAsc ? sql`${id} > ${cid}` : sql`${id} < ${cid}`;
  const k = sql`${cursor.k}::${sql.raw(req.sort.cast)}`;
  const e = req.sort.expr;
  const idAfter = walkAsc !== Boolean(req.sort.idFlip) ? sql`${id} > ${cid}` : sql`${id} < ${cid}`;
  // e.g. ascending: e >= k AND (e > k OR id > cid). The first conjunct is the index range.
  return walkAsc ? sql`(${e} >= ${k} and (${e} > ${k} or ${idAfter}))` : sql`(${e} <= ${k} and (${e} < ${k} or ${idAfter}))`;
}
