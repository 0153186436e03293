import { and, count, eq, getTableColumns, gte, ilike, inArray, isNull, lte, ne, notInArray, or, sql, type SQL, type SQLWrapper } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import { queryRows, type Db } from "@/lib/db";
import { xeroSessions, xeroTenants, type XeroSession } from "@/lib/db/schema";
import { memoByDataVersion } from "@/lib/lists/data-version-cache";
import { encodeCursor, keysetPage, MERGE_ID, MERGE_SORT, MERGE_TENANT, UUID_RE, type Cursor, type KeysetRow } from "@/lib/lists/keyset";
import { escapeLike } from "@/lib/lists/search-params";
import { readerAllows, readerKey, scopeTenantIds, type Reader } from "@/lib/lists/tenant-scope";
import { todayUtc } from "@/lib/lists/today";
import type { EntityDefinition, FieldSpec, FilterSpec, RelationSpec } from "./definition";
import { entityExtras } from "./read-model-extras";
import { columnOf, columnsOf, idKindOf, parseEntityQuery, sortColumnOf, validRecordId, type EntityQuery } from "./read-model-params";
import { ENTITIES, entityByName, entitySlug } from "./registry";
import { summarySums } from "./summaries";

/**
 * The read model of every mirrored entity, driven by its definition's view: keyset pages with
 * filters, search and sorts, totals per currency, batches for the CSV export, one record with its
 * relations and sync history, and record counts for the overview. Every query is scoped to the
 * reader's organisations (lib/lists/tenant-scope.ts: a user's, or an API token's narrower set), in the query itself.
 */

/** One listed record: its typed values by field key, and what the list marks on it. */
export interface EntityRow {
  tenantId: string;
  id: string;
  /** Every field of the view (plus currency and id columns they name), by column key. */
  values: Record<string, unknown>;
  /** Keys of the view's flags that hold for this row (overdue). */
  flags: string[];
  /** Cancelled in Xero (a status of `deletes.statuses`): shown, marked, left out of totals. */
  cancelled: boolean;
  deletedInXeroAt: Date | null;
  xeroUpdatedAt: Date | null;
  /** Entity-specific values read for a page at once (a contact's receivables). */
  extra?: Record<string, unknown>;
}

export interface EntityPage {
  rows: EntityRow[];
  next: string | null;
  prev: string | null;
  /** Records matching the filters (all pages). */
  total: number;
}

function tenantColumnOf(def: EntityDefinition): PgColumn {
  return columnOf(def, "tenantId");
}

function tenantCondition(def: EntityDefinition, tenantIds: string[]): SQL {
  const col = tenantColumnOf(def);
  return tenantIds.length === 1 ? eq(col, tenantIds[0]!) : inArray(col, tenantIds);
}

function filterCondition(def: EntityDefinition, f: FilterSpec, value: unknown, today: string): SQL | undefined {
  switch (f.kind) {
    case "enum":
    case "ref":
      return eq(columnOf(def, f.column), value as string);
    case "boolean":
      return eq(columnOf(def, f.column), value as boolean);
    case "condition":
      return value === true ? f.where({ today }) : undefined;
    case "choice":
      return f.options.find((o) => o.value === value)?.where({ today });
    case "dateRange": {
      const { from, to } = value as { from?: string; to?: string };
      const col = columnOf(def, f.column);
      return and(from ? gte(col, from) : undefined, to ? lte(col, to) : undefined);
    }
  }
}

/** The filter conditions of a query (not the cursor), for the list, totals and export alike (and the lists' tests, as one query). */
export function filterConditions(def: EntityDefinition, q: EntityQuery, tenantIds: string[], today: string): SQL[] {
  return [tenantCondition(def, tenantIds), ...rowConditions(def, q, today)];
}

/** The query's filters and search, without the organisations. */
function rowConditions(def: EntityDefinition, q: EntityQuery, today: string): SQL[] {
  const conds: SQL[] = [];
  for (const f of def.view.filters) {
    const value = q.filters[f.key];
    if (value === undefined) continue;
    const c = filterCondition(def, f, value, today);
    if (c) conds.push(c);
  }
  if (q.q && def.view.search.length) {
    const pattern = `%${escapeLike(q.q)}%`;
    conds.push(or(...def.view.search.map((k) => ilike(columnOf(def, k), pattern)))!);
  }
  return conds;
}

function conditionFilter(def: EntityDefinition, key: string): Extract<FilterSpec, { kind: "condition" }> {
  const f = def.view.filters.find((x) => x.key === key);
  if (f?.kind !== "condition") throw new Error(`${def.name}: ${key} is not a condition filter`);
  return f;
}

/** The column keys a row carries: every field, the currency and id columns they name, the status. */
function projectionKeys(def: EntityDefinition): string[] {
  const keys = new Set<string>();
  for (const f of def.view.fields) {
    keys.add(f.key);
    if (f.currencyKey) keys.add(f.currencyKey);
    if (f.ref?.idKey) keys.add(f.ref.idKey);
  }
  if (def.deletes.statusKey) keys.add(def.deletes.statusKey);
  return [...keys];
}

/** The columns a listed row is read with (toRow turns a result row into an EntityRow); shared with the change feed. */
export function selection(def: EntityDefinition, sortKey: string, today: string) {
  const cols = columnsOf(def);
  const sel: Record<string, SQL | PgColumn> = {};
  for (const k of projectionKeys(def)) sel[`v_${k}`] = columnOf(def, k);
  for (const key of def.view.flags ?? []) sel[`f_${key}`] = sql<boolean>`coalesce((${conditionFilter(def, key).where({ today })}), false)`;
  sel._tenantId = cols.tenantId!;
  sel._deleted = cols.deletedInXeroAt!;
  sel._updated = cols.xeroUpdatedAt!;
  sel._k = sql<string | null>`(${sortColumnOf(def, sortKey).expr})::text`;
  sel._id = sql<string>`${def.idColumn}::text`;
  return sel;
}

export function toRow(def: EntityDefinition, r: Record<string, unknown>): EntityRow {
  const values: Record<string, unknown> = {};
  const flags: string[] = [];
  for (const [k, v] of Object.entries(r)) {
    if (k.startsWith("v_")) values[k.slice(2)] = v;
    else if (k.startsWith("f_") && v === true) flags.push(k.slice(2));
  }
  const status = def.deletes.statusKey ? values[def.deletes.statusKey] : undefined;
  return {
    tenantId: r._tenantId as string,
    id: r._id as string,
    values,
    flags,
    cancelled: typeof status === "string" && def.deletes.statuses.includes(status),
    deletedInXeroAt: (r._deleted as Date | null) ?? null,
    xeroUpdatedAt: (r._updated as Date | null) ?? null,
  };
}

/**
 * One keyset page of the rows of `tenantIds` meeting `conds` (filters, search; not the organisations).
 *
 * Over several organisations, every sort index starts with tenant_id, so one query over all of
 * them would read and sort every row of every organisation (1.6 s at 1,000,000 invoices over 100).
 * Instead each organisation's page is read on its own by its index, with the same seek condition,
 * order and limit, and the pages merged in order and cut: one statement (mergedPages), whose cost
 * grows with the number of organisations times the page size, not with their rows. A search is
 * left as one query: it finds its few matches through the trigram index, once for all organisations.
 */
async function fetchPage(
  db: Db,
  def: EntityDefinition,
  tenantIds: string[],
  conds: SQL[],
  q: Pick<EntityQuery, "sort" | "dir" | "q" | "last"> & { after: Cursor | null; before: Cursor | null; size: number },
  today: string,
) {
  const sortCol = sortColumnOf(def, q.sort);
  const sel = selection(def, q.sort, today);
  const selective = (q.q?.length ?? 0) >= 3;
  const single = tenantIds.length === 1 || selective;
  return keysetPage<KeysetRow & Record<string, unknown>>(
    {
      sort: sortCol,
      dir: q.dir,
      id: def.idColumn,
      idKind: idKindOf(def),
      ...(idKindOf(def) === "text" ? { tenant: tenantColumnOf(def) } : {}),
      after: q.after,
      before: q.before,
      last: q.last,
      limit: q.size,
      selective,
      fetch: (where, orderBy, limit, mergeOrderBy) =>
        single
          ? (db
              .select(sel)
              .from(def.table)
              .where(and(tenantCondition(def, tenantIds), ...conds, where))
              .orderBy(...orderBy)
              .limit(limit) as unknown as Promise<KeysetRow[]>)
          : mergedPages(db, def, tenantIds, sel, sortCol.expr, and(...conds, where), orderBy, mergeOrderBy, limit),
    },
    `${q.sort}.${q.dir}`,
  );
}

/**
 * The first `limit` rows in `orderBy` order of the rows of `tenantIds` meeting `where`, as a merge
 * of one index scan per organisation: a LATERAL subquery over the organisations, each ordered and
 * limited on its own (so each stops after `limit` entries of its (tenant_id, sort, id) index),
 * ordered again by `mergeOrderBy` (the same order over the subquery's sort value and id) and cut.
 * The scans read only the keys (an index-only scan where no filter needs the row), and only the
 * page's rows are then read from the table: 100 organisations' pages of 51 rows cost 5,100 index
 * entries and 51 rows, not 5,100 rows.
 */
function mergedPages(
  db: Db,
  def: EntityDefinition,
  tenantIds: string[],
  sel: Record<string, SQL | PgColumn>,
  sortExpr: SQLWrapper,
  where: SQL | undefined,
  orderBy: SQL[],
  mergeOrderBy: SQL[],
  limit: number,
): Promise<KeysetRow[]> {
  const tenantCol = tenantColumnOf(def);
  const x = db
    .select({ [MERGE_TENANT]: sql`${tenantCol}`.as(MERGE_TENANT), [MERGE_SORT]: sql`${sortExpr}`.as(MERGE_SORT), [MERGE_ID]: sql`${def.idColumn}`.as(MERGE_ID) })
    .from(def.table)
    .where(and(sql`${tenantCol} = ${sql.identifier("scope")}.${sql.identifier("tid")}`, where))
    .orderBy(...orderBy)
    .limit(limit)
    .as("x");
  // Validated UUIDs (scopeTenantIds), as one array literal: one parameter whatever their number.
  const scope = `{${tenantIds.join(",")}}`;
  const keys = db
    .select({ _t: x._t, [MERGE_SORT]: x[MERGE_SORT]!, [MERGE_ID]: x[MERGE_ID]! })
    .from(sql`unnest(${scope}::uuid[]) as ${sql.identifier("scope")}(${sql.identifier("tid")})`)
    .crossJoinLateral(x)
    .orderBy(...mergeOrderBy)
    .limit(limit)
    .as("k");
  return db
    .select(sel)
    .from(def.table)
    .innerJoin(keys, and(eq(tenantCol, keys._t), eq(def.idColumn, keys[MERGE_ID]!)))
    .orderBy(...mergeOrderBy)
    .limit(limit) as unknown as Promise<KeysetRow[]>;
}

/** The entity-specific values of a page of rows (a contact's receivables), as the list and the change feed show them. */
export async function withExtras(db: Db, def: EntityDefinition, tenantIds: string[], rows: EntityRow[], now: Date): Promise<EntityRow[]> {
  const extras = entityExtras(def.name);
  if (!extras?.rowExtras || rows.length === 0) return rows;
  const got = await extras.rowExtras(db, tenantIds, rows, now);
  return rows.map((r) => ({ ...r, extra: got.get(`${r.tenantId}:${r.id}`) }));
}

/** Rows of `def` meeting `extra` besides the query's filters (a relation's), one page. */
async function listWhere(db: Db, def: EntityDefinition, tenantIds: string[], q: EntityQuery, extra: SQL[], now: Date): Promise<EntityPage> {
  if (tenantIds.length === 0) return { rows: [], next: null, prev: null, total: 0 };
  const today = todayUtc(now);
  const rowConds = [...rowConditions(def, q, today), ...extra];
  const conds = [tenantCondition(def, tenantIds), ...rowConds];
  const [page, total] = await Promise.all([fetchPage(db, def, tenantIds, rowConds, q, today), extra.length === 0 && summaryCounts(def, q) ? summaryTotal(db, def, tenantIds, statusFilterValue(def, q)) : countWhere(db, def, conds)]);
  const rows = await withExtras(db, def, tenantIds, page.rows.map((r) => toRow(def, r)), now);
  return {
    rows,
    next: page.next ? encodeCursor(page.next) : null,
    prev: page.prev ? encodeCursor(page.prev) : null,
    total,
  };
}

async function countWhere(db: Db, def: EntityDefinition, conds: SQL[]): Promise<number> {
  const [r] = await db.select({ n: count() }).from(def.table).where(and(...conds));
  return Number(r?.n ?? 0);
}

/** The summaries count the rows of this query: no search, no filter but the status one. */
function summaryCounts(def: EntityDefinition, q: EntityQuery): boolean {
  return !q.q && def.view.filters.every((f) => q.filters[f.key] === undefined || (f.kind === "enum" && f.column === def.deletes.statusKey));
}

/** Rows listed (deleted and cancelled ones too) of these tenants, of one status if given, from the summaries. */
async function summaryTotal(db: Db, def: EntityDefinition, tenantIds: string[], status: string | undefined): Promise<number> {
  const [r] = await summarySums(db, def.name, "totals", tenantIds, status !== undefined ? sql`status = ${status}` : undefined, []);
  return Number(r?.n ?? 0);
}

/** One page of the user's records of an entity for a parsed query. */
export async function listEntity(db: Db, reader: Reader, def: EntityDefinition, q: EntityQuery, now = new Date()): Promise<EntityPage> {
  const { ids } = await scopeTenantIds(db, reader, q.tenant);
  return listWhere(db, def, ids, q, [], now);
}

/** Totals of one currency over the filtered rows. */
export interface CurrencyTotal {
  currency: string;
  count: number;
  /** By money column key of view.totals.money, then by the label of each conditional total. */
  sums: Record<string, string>;
}

/**
 * Totals of the filtered set per currency (amounts in different currencies are never added).
 * Rows flagged deleted in Xero are always left out; cancelled statuses too, unless the status
 * filter asks for a status (then the totals are of exactly the rows shown). Read from the
 * summaries kept as the sync writes (lib/entities/summaries.ts) when they can answer the filters
 * (organisation, status); other filters and search scan the filtered rows.
 */
export async function entityTotals(db: Db, reader: Reader, def: EntityDefinition, q: EntityQuery, now = new Date()): Promise<CurrencyTotal[]> {
  if (!def.view.totals) return [];
  const { ids } = await scopeTenantIds(db, reader, q.tenant);
  if (ids.length === 0) return [];
  return summaryAnswers(def, q) ? summaryTotals(db, def, ids, statusFilterValue(def, q), todayUtc(now)) : scannedEntityTotals(db, def, ids, q, todayUtc(now));
}

/** The value of the query's filter on the entity's status column, if any. */
function statusFilterValue(def: EntityDefinition, q: EntityQuery): string | undefined {
  const statusKey = def.deletes.statusKey;
  const f = def.view.filters.find((x) => x.kind === "enum" && x.column === statusKey && q.filters[x.key] !== undefined);
  return f ? (q.filters[f.key] as string) : undefined;
}

/** The summaries hold the totals of this query: no search, no filter but the status one, every conditional total summarised. */
function summaryAnswers(def: EntityDefinition, q: EntityQuery): boolean {
  return summaryCounts(def, q) && (def.view.totals?.conditional ?? []).every((c) => c.summary && def.summaries?.some((s) => s.name === c.summary!.facet && s.money.includes(c.money)));
}

async function summaryTotals(db: Db, def: EntityDefinition, tenantIds: string[], status: string | undefined, today: string): Promise<CurrencyTotal[]> {
  const totals = def.view.totals!;
  const statusCol = def.deletes.statusKey ? columnOf(def, def.deletes.statusKey) : undefined;
  // As the scan: a status asked for, or every status but the cancelled ones (and NULL, which NOT IN leaves out).
  const statusCond =
    status !== undefined
      ? sql`status = ${status}`
      : statusCol && def.deletes.statuses.length
        ? sql`status not in (${sql.join(def.deletes.statuses.map((v) => sql`${v}`), sql`, `)})${statusCol.notNull ? sql`` : sql` and status <> ''`}`
        : undefined;
  const currency = sql`case when currency = '' then '—' else currency end`;
  const [main, ...conditional] = await Promise.all([
    // The scan's order: most rows first, then by currency; at most 20 currencies.
    summarySums(db, def.name, "totals", tenantIds, and(sql`not deleted`, statusCond), [currency], sql`order by sum(n) desc, 1 limit 20`),
    ...(totals.conditional ?? []).map((c) =>
      summarySums(
        db,
        def.name,
        c.summary!.facet,
        tenantIds,
        and(sql`not deleted`, statusCond, sql`status in (${sql.join(c.summary!.statuses.map((v) => sql`${v}`), sql`, `)})`, sql`day < ${today}::date`),
        [currency],
      ),
    ),
  ]);
  return main.map((r) => ({
    currency: r.g0!,
    count: Number(r.n),
    sums: Object.fromEntries([
      ...totals.money.map((k, i) => [k, r[`s${i}`] ?? "0"]),
      ...(totals.conditional ?? []).map((c, i) => {
        const at = def.summaries!.find((s) => s.name === c.summary!.facet)!.money.indexOf(c.money);
        return [c.label, conditional[i]!.find((x) => x.g0 === r.g0)?.[`s${at}`] ?? "0"];
      }),
    ]),
  }));
}

/** The totals of entityTotals computed from the rows themselves, for any filters. */
export async function scannedEntityTotals(db: Db, def: EntityDefinition, ids: string[], q: EntityQuery, today: string): Promise<CurrencyTotal[]> {
  const totals = def.view.totals;
  if (!totals || ids.length === 0) return [];
  const cols = getTableColumns(def.table) as Record<string, PgColumn>;
  const conds = filterConditions(def, q, ids, today);
  conds.push(isNull(cols.deletedInXeroAt!));
  const statusKey = def.deletes.statusKey;
  if (statusKey && def.deletes.statuses.length && statusFilterValue(def, q) === undefined) conds.push(notInArray(columnOf(def, statusKey), [...def.deletes.statuses]));
  const sel: Record<string, SQL> = {
    currency: sql<string>`coalesce(${columnOf(def, totals.currencyKey)}, '—')`,
    count: sql<number>`count(*)`,
  };
  totals.money.forEach((k, i) => (sel[`m${i}`] = sql<string>`coalesce(sum(${columnOf(def, k)}), 0)::text`));
  (totals.conditional ?? []).forEach((c, i) => {
    sel[`c${i}`] = sql<string>`coalesce(sum(${columnOf(def, c.money)}) filter (where ${conditionFilter(def, c.filter).where({ today })}), 0)::text`;
  });
  const rows = (await db
    .select(sel)
    .from(def.table)
    .where(and(...conds))
    .groupBy(sql`1`)
    .orderBy(sql`2 desc`, sql`1`)
    .limit(20)) as Record<string, unknown>[];
  return rows.map((r) => ({
    currency: r.currency as string,
    count: Number(r.count),
    sums: Object.fromEntries([
      ...totals.money.map((k, i) => [k, r[`m${i}`] as string]),
      ...(totals.conditional ?? []).map((c, i) => [c.label, r[`c${i}`] as string]),
    ]),
  }));
}

/** entityTotals, remembered until the data version, the day or the TTL changes. */
export async function cachedEntityTotals(db: Db, reader: Reader, def: EntityDefinition, q: EntityQuery, now = new Date()): Promise<CurrencyTotal[]> {
  const { ids } = await scopeTenantIds(db, reader, q.tenant);
  if (ids.length === 0 || !def.view.totals) return [];
  const key = `totals:${def.name}:${readerKey(reader)}:${JSON.stringify({ t: q.tenant, f: q.filters, q: q.q })}`;
  return memoByDataVersion(db, ids, key, () => entityTotals(db, reader, def, q, now), now);
}

/**
 * Streams the filtered set in keyset batches, for the CSV export: memory stays at one batch
 * whatever the size of the set.
 */
export async function* entityBatches(db: Db, reader: Reader, def: EntityDefinition, q: EntityQuery, batchSize = 2000, now = new Date()): AsyncGenerator<EntityRow[]> {
  const { ids } = await scopeTenantIds(db, reader, q.tenant);
  if (ids.length === 0) return;
  const today = todayUtc(now);
  const conds = rowConditions(def, q, today);
  let after: Cursor | null = null;
  for (;;) {
    const page: Awaited<ReturnType<typeof fetchPage>> = await fetchPage(db, def, ids, conds, { ...q, after, before: null, last: false, size: batchSize }, today);
    if (page.rows.length) yield await withExtras(db, def, ids, page.rows.map((r) => toRow(def, r)), now);
    if (!page.next) return;
    after = page.next;
  }
}

/** Another entity's records related to one record, as its detail page lists them. */
export interface RelatedRecords {
  spec: RelationSpec;
  def: EntityDefinition;
  rows: EntityRow[];
  total: number;
  /** The other entity's list narrowed to these records, when it has a filter for it. */
  listHref: string | null;
}

export interface EntityDetail {
  /** The whole row (typed columns, raw JSON, bookkeeping). */
  record: Record<string, unknown>;
  row: EntityRow;
  tenant: { id: string; name: string; xeroTenantId: string };
  relations: RelatedRecords[];
  /** The record's own child rows that its definition shows (a journal's lines, a category's options). */
  children: ChildRecords[];
  /** Sync sessions of this tenant's entity around when this record was first and last stored. */
  syncs: XeroSession[];
}

export interface ChildRecords {
  label: string;
  fields: readonly FieldSpec[];
  rows: Record<string, unknown>[];
  /** Rows beyond CHILD_ROWS are counted, not shown. */
  total: number;
}

/** A detail page lists at most this many child rows of a record (a journal rarely has more). */
const CHILD_ROWS = 500;

const RELATED_ROWS = 10;

/** One record the reader may see, with its tenant, relations and sync history; undefined when not theirs or absent. */
export async function getEntityDetail(db: Db, reader: Reader, def: EntityDefinition, tenantId: string, id: string, now = new Date()): Promise<EntityDetail | undefined> {
  if (!UUID_RE.test(tenantId) || !validRecordId(def, id) || !readerAllows(reader, tenantId)) return undefined;
  const today = todayUtc(now);
  const cols = columnsOf(def);
  const sel = selection(def, def.view.defaultSort, today);
  const [found] = (await db
    .select({ ...sel, _tenantName: xeroTenants.name, _xeroTenantId: xeroTenants.xeroTenantId })
    .from(def.table)
    .innerJoin(xeroTenants, eq(xeroTenants.id, cols.tenantId!))
    .where(and(eq(cols.tenantId!, tenantId), eq(def.idColumn, id), eq(xeroTenants.userId, reader.id)))) as Record<string, unknown>[];
  if (!found) return undefined;
  const [record] = (await db.select().from(def.table).where(and(eq(cols.tenantId!, tenantId), eq(def.idColumn, id)))) as Record<string, unknown>[];
  const [row] = await withExtras(db, def, [tenantId], [toRow(def, found)], now);
  const relations = await Promise.all((def.view.relations ?? []).map((spec) => related(db, spec, tenantId, id, now)));
  const children = await Promise.all(
    (def.children ?? []).flatMap((child) => {
      const view = child.view;
      if (!view) return [];
      const childCols = getTableColumns(child.table) as Record<string, PgColumn>;
      const where = and(eq(childCols.tenantId!, tenantId), eq(child.parentColumn, id));
      const order = view.orderBy && childCols[view.orderBy] ? childCols[view.orderBy]! : child.parentColumn;
      return [
        (async (): Promise<ChildRecords> => {
          const [rows, [counted]] = await Promise.all([
            db.select().from(child.table).where(where).orderBy(order).limit(CHILD_ROWS) as Promise<Record<string, unknown>[]>,
            db.select({ n: count() }).from(child.table).where(where),
          ]);
          return { label: view.label, fields: view.fields, rows, total: Number(counted?.n ?? rows.length) };
        })(),
      ];
    }),
  );
  const firstSyncedAt = record!.firstSyncedAt as Date;
  const lastSyncedAt = record!.lastSyncedAt as Date;
  // A sync "touched" this record if it ran while the record was first or last stored. Sessions
  // finish after their last write, so a window containing the timestamp identifies them.
  const touched = (t: Date) =>
    and(lte(xeroSessions.startedAt, t), or(sql`${xeroSessions.finishedAt} is null`, gte(xeroSessions.finishedAt, sql`${t.toISOString()}::timestamptz - interval '1 second'`)));
  const syncs = await db
    .select()
    .from(xeroSessions)
    .where(
      and(
        eq(xeroSessions.userId, reader.id),
        eq(xeroSessions.tenantId, tenantId),
        eq(xeroSessions.kind, "sync"),
        // `entity` lists the entities a sync walked, comma-separated (null: all of them).
        or(sql`(',' || ${xeroSessions.entity} || ',') like ${`%,${def.name},%`}`, sql`${xeroSessions.entity} is null`),
        or(touched(firstSyncedAt), touched(lastSyncedAt), gte(xeroSessions.startedAt, lastSyncedAt)),
        ne(xeroSessions.outcome, "cancelled"),
      ),
    )
    .orderBy(sql`${xeroSessions.startedAt} desc`)
    .limit(10);
  return {
    record: record!,
    row: row!,
    tenant: { id: tenantId, name: found._tenantName as string, xeroTenantId: found._xeroTenantId as string },
    relations: relations.filter((r): r is RelatedRecords => r !== null),
    children,
    syncs,
  };
}

async function related(db: Db, spec: RelationSpec, tenantId: string, id: string, now: Date): Promise<RelatedRecords | null> {
  // A relation to an entity not (yet) in the registry shows nothing rather than failing.
  const other = entityByName(spec.entity);
  if (!other) return null;
  let cond: SQL;
  if (spec.column) {
    cond = eq(columnOf(other, spec.column), id);
  } else if (spec.viaChild) {
    const child = other.children?.find((c) => c.table === spec.viaChild!.table);
    if (!child) throw new Error(`${other.name}: no child table for the relation ${spec.label}`);
    const childCols = getTableColumns(child.table) as Record<string, PgColumn>;
    const via = childCols[spec.viaChild.column];
    if (!via) throw new Error(`${other.name}: no child column ${spec.viaChild.column}`);
    cond = inArray(other.idColumn, db.select({ id: child.parentColumn }).from(child.table).where(and(eq(childCols.tenantId!, tenantId), eq(via, id))));
  } else {
    throw new Error(`relation ${spec.label}: column or viaChild`);
  }
  const q = { ...parseEntityQuery(other, {}), size: RELATED_ROWS };
  const page = await listWhere(db, other, [tenantId], q, [cond], now);
  const filter = spec.column ? other.view.filters.find((f) => f.kind === "ref" && f.column === spec.column) : undefined;
  const listHref = filter ? `/${entitySlug(other)}?org=${tenantId}&${filter.key}=${encodeURIComponent(id)}` : null;
  return { spec, def: other, rows: page.rows, total: page.total, listHref };
}

/**
 * The reader's organisations holding a record with this Xero id (at most `limit`): one for a GUID,
 * possibly several for a code shared by organisations (a tax rate's TaxType).
 */
export async function findRecordTenants(db: Db, reader: Reader, def: EntityDefinition, id: string, limit = 2): Promise<string[]> {
  if (!validRecordId(def, id)) return [];
  const cols = columnsOf(def);
  const rows = await db
    .select({ tenantId: cols.tenantId! })
    .from(def.table)
    .innerJoin(xeroTenants, eq(xeroTenants.id, cols.tenantId!))
    .where(and(eq(def.idColumn, id), eq(xeroTenants.userId, reader.id), reader.tenantIds ? inArray(cols.tenantId!, [...reader.tenantIds]) : undefined))
    .orderBy(cols.tenantId!)
    .limit(limit);
  return rows.map((r) => r.tenantId as string);
}

/** A record's title value (number, name) by id across the reader's organisations, for filter labels. */
export async function getRecordTitle(db: Db, reader: Reader, def: EntityDefinition, id: string): Promise<string | undefined> {
  if (!validRecordId(def, id)) return undefined;
  const cols = columnsOf(def);
  const [row] = await db
    .select({ title: sql<string | null>`${columnOf(def, def.view.titleKey)}::text` })
    .from(def.table)
    .innerJoin(xeroTenants, eq(xeroTenants.id, cols.tenantId!))
    .where(and(eq(def.idColumn, id), eq(xeroTenants.userId, reader.id), reader.tenantIds ? inArray(xeroTenants.id, [...reader.tenantIds]) : undefined))
    .limit(1);
  return row?.title ?? undefined;
}

export interface EntityCount {
  entity: string;
  /** Records held, those flagged deleted in Xero left out. */
  records: number;
}

/** Records held per entity over the reader's organisations (the overview's "Your data"), from the summaries. */
export async function entityCounts(db: Db, reader: Reader): Promise<EntityCount[]> {
  const { ids } = await scopeTenantIds(db, reader);
  const held = ids.length
    ? await queryRows<{ entity: string; n: string }>(
        db,
        sql`select entity, sum(n)::text as n from mirror_summaries where tenant_id in (${sql.join(ids.map((id) => sql`${id}::uuid`), sql`, `)}) and facet = 'totals' and not deleted group by entity`,
      )
    : [];
  return ENTITIES.map((def) => ({ entity: def.name, records: Number(held.find((h) => h.entity === def.name)?.n ?? 0) }));
}
