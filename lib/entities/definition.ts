/**
 * What one mirrored Xero entity is, in one place: where Xero serves it and how it is walked, its
 * table and the pure mapper from Xero's wire JSON to a row, what "deleted" means for it, the scope
 * it needs, and how people see it (list columns, filters, sorts, search, detail, CSV, API). The
 * sync engine, the upsert, the read models, pages, CSV, API routes and overview counts are generic
 * over these definitions (lib/entities/registry.ts lists them); adding an entity means writing one
 * (plus its table's generated migration and the simulator's fixture).
 */
import type { SQL } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import type { XeroAccountingApi } from "@/lib/xero/client";

/** How an accountant groups the data (the dashboard's sections). */
export const ENTITY_GROUPS = ["sales", "purchases", "banking", "accounting", "lists"] as const;
export type EntityGroup = (typeof ENTITY_GROUPS)[number];

/**
 * How the engine walks an entity, as Xero allows:
 * - keyset: paged (pageSize 1000, order UpdatedDateUTC) with If-Modified-Since; lib/sync/walk.ts;
 * - unpaged: one answer with every record changed since If-Modified-Since;
 * - refresh: one answer with every record (no UpdatedDateUTC to ask by), compared with what is
 *   stored; refreshed at most every `everyHours` unless a full sync asks;
 * - offset: Xero's `offset` (the last position seen, e.g. JournalNumber), `pageSize` a page,
 *   records never edited.
 */
export type EntityWalk =
  | { kind: "keyset" }
  | { kind: "unpaged" }
  | { kind: "refresh"; everyHours: number }
  | { kind: "offset"; pageSize: number };

/**
 * How often the schedule polls an entity that changes rarely (the chart of accounts, items): every
 * `everyHours`, or the organisation's interval if that is longer. Refresh walks are polled as their
 * walk's `everyHours` says. Without it the entity is transactional: polled at every interval
 * (lib/sync/cadence.ts). Sync now and the CLI walk every entity whatever its cadence.
 */
export interface EntityCadence {
  everyHours: number;
}

/** One request of a walk, as the engine asks it. */
export interface XeroListQuery {
  ifModifiedSince?: Date;
  /** keyset walks */
  page?: number;
  pageSize?: number;
  /** offset walks */
  offset?: number;
}

/**
 * What "deleted" means in Xero for this entity:
 * - statuses: the values of `statusKey` that mean cancelled (shown, marked, left out of totals);
 * - hardDeletes: Xero can remove a record without a status saying so (items, unused accounts):
 *   only a walk of everything shows it, so the engine reconciles every `reconcileHours` (and on
 *   every refresh or full sync) and flags rows Xero no longer returns (deleted_in_xero_at).
 */
export interface DeleteSemantics {
  statusKey?: string;
  statuses: readonly string[];
  hardDeletes: boolean;
  reconcileHours?: number;
}

/** A typed column as people see it. */
export type FieldKind = "text" | "code" | "money" | "number" | "date" | "instant" | "status" | "boolean";

export interface FieldSpec {
  /** The table's (camelCase) column key. */
  key: string;
  label: string;
  kind: FieldKind;
  /** money: the column holding the currency code. */
  currencyKey?: string;
  /**
   * The value is the id of another entity's record: link to it. With `idKey`, the value names
   * that record (a contact's name) and `idKey` holds its id.
   */
  ref?: { entity: string; idKey?: string };
}

export interface SortSpec {
  /** URL value (?sort=…). */
  key: string;
  label: string;
  /** The column sorted on (keyset paging on it and the id). */
  column: string;
  defaultDir: "asc" | "desc";
}

/** What a named condition may depend on besides the row: today's date (UTC), for "overdue". */
export interface ConditionContext {
  today: string;
}

/**
 * One URL parameter each (`key`), parsed by one zod schema per entity (lib/entities/read-model-params.ts):
 * - enum: one of `values` (the column's own values; `labels` for people);
 * - dateRange: `from` / `to` (YYYY-MM-DD) for the filter keyed "date", `{key}From` / `{key}To` for others;
 * - ref: another entity's record id;
 * - boolean: `1` or `0`;
 * - condition: `1` applies a named SQL condition (overdue): shown as a checkbox, and as a flag on
 *   each row when listed in the view's `flags`;
 * - choice: one of `options`, each a named SQL condition (role: customers / suppliers).
 */
export type FilterSpec =
  | { kind: "enum"; key: string; label: string; column: string; values: readonly string[]; labels?: Record<string, string> }
  | { kind: "dateRange"; key: string; label: string; column: string }
  | { kind: "ref"; key: string; label: string; column: string; entity: string }
  | { kind: "boolean"; key: string; label: string; column: string }
  | { kind: "condition"; key: string; label: string; where: (ctx: ConditionContext) => SQL }
  | { kind: "choice"; key: string; label: string; options: readonly { value: string; label: string; where: (ctx: ConditionContext) => SQL }[] };

/**
 * A list of another entity's records shown on this one's detail page, read from the mirror's
 * typed columns: the other entity's rows whose `column` holds this record's id, or (viaChild)
 * whose child rows' `column` does (a credit note allocated to this invoice).
 */
export interface RelationSpec {
  entity: string;
  label: string;
  /** The other table's column key holding this record's id. */
  column?: string;
  /** The other entity's child table and its column key holding this record's id. */
  viaChild?: { table: PgTable; column: string };
}

/**
 * A money column summed over the rows meeting a condition filter. `summary` says how the
 * summaries (lib/entities/summaries.ts) answer it without a scan: the sum of `money` in the
 * named facet's groups whose status is one of `statuses` and whose day is before today.
 */
export interface ConditionalTotal {
  label: string;
  money: string;
  filter: string;
  summary?: { facet: string; statuses: readonly string[]; dayBeforeToday: true };
}

/**
 * A summary kept besides the entity's totals (lib/entities/summaries.ts): its rows' count and the
 * sums of `money`, per organisation, currency, status, deleted flag, the value of `dim` and the
 * day (or month) of `day`, over the rows meeting `where` (which must not depend on today).
 */
export interface SummaryFacet {
  name: string;
  money: readonly string[];
  where?: SQL;
  dim?: string;
  day?: { column: string; grain: "day" | "month" };
}

export interface EntityView {
  /** Every typed column worth showing, in order: the detail page, CSV and API projections. */
  fields: readonly FieldSpec[];
  /** Keys of `fields` shown as list columns. */
  columns: readonly string[];
  /** The column that names a record (number, name, code). */
  titleKey: string;
  sorts: readonly SortSpec[];
  defaultSort: string;
  filters: readonly FilterSpec[];
  /** Columns searched by substring (trigram indexes where lists are long). */
  search: readonly string[];
  /**
   * Money columns summed per currency over the filtered rows (cancelled and deleted rows left out);
   * `conditional`: also a money column summed over the rows meeting a condition filter (overdue).
   */
  totals?: { money: readonly string[]; currencyKey: string; conditional?: readonly ConditionalTotal[] };
  /** Keys of `condition` filters evaluated on every listed row and shown as a badge (Overdue). */
  flags?: readonly string[];
  relations?: readonly RelationSpec[];
  /** Keys of `fields` in the CSV export (default: all). */
  csv?: readonly string[];
  /** Keys of `fields` in the API's records (default: all, plus the raw JSON on request). */
  api?: readonly string[];
}

export interface XeroEndpoint {
  /** The path segment and envelope key: GET /api.xro/2.0/{endpoint} → { {endpoint}: [...] }. */
  endpoint: string;
  /** The record's id field (a GUID, or TaxType for tax rates). */
  idField: string;
  /**
   * The scopes that allow reading it: the granular one (apps created after March 2026 get only
   * these) first, then the broad ones older apps hold.
   */
  scopes: readonly [granular: string, ...broad: string[]];
  /**
   * Why a grant may lack the scope for reasons a reconnect cannot fix (journals: Xero grants
   * accounting.journals.read only on its Advanced plan).
   */
  scopeUnavailable?: string;
  /** Does Xero send webhooks for it (eventCategory)? */
  webhookCategory?: string;
  /** The xero-node call for one request; the response is kept as Xero's bytes (see xero-source.ts). */
  request(api: XeroAccountingApi, xeroTenantId: string, q: XeroListQuery): Promise<{ response: { data: unknown; headers: unknown } }>;
}

/**
 * Rows of a child table that belong to one record (a credit note's allocations, a journal's
 * lines), so relationships are read from typed columns rather than from raw JSON. Replaced
 * whenever the parent row is written.
 */
export interface EntityChild {
  table: PgTable;
  /** The child table's column holding the parent's id. */
  parentColumn: PgColumn;
  /** The child rows of one record (keys: the child table's column keys; tenantId is added). */
  rows(parentId: string, wire: Record<string, unknown>): Record<string, unknown>[];
  /** How the record's detail page lists them (a journal's lines, a tracking category's options). */
  view?: { label: string; fields: readonly FieldSpec[]; /** the child table's column key giving their order */ orderBy?: string };
}

export interface EntityDefinition<TTable extends PgTable = PgTable, TRow extends Record<string, unknown> = Record<string, unknown>> {
  /** sync_cursors.entity, URL segment (/m/{name}), API path (/api/v1/{name}). */
  name: string;
  label: string;
  singular: string;
  group: EntityGroup;
  xero: XeroEndpoint;
  walk: EntityWalk;
  /** A rarely changing entity's scheduled poll (see EntityCadence); absent: every interval. */
  cadence?: EntityCadence;
  table: TTable;
  /** The table's id column (with tenant_id, its primary key). */
  idColumn: PgColumn;
  /** Offset walks: the column holding the position (e.g. journal_number). */
  positionColumn?: PgColumn;
  /**
   * The pure mapper: one record as Xero sent it (parsed JSON) to a row. `raw` is what to store
   * in `raw` (the record's text, exactly as received).
   */
  map(tenantId: string, wire: Record<string, unknown>, raw: unknown): TRow;
  children?: readonly EntityChild[];
  deletes: DeleteSemantics;
  view: EntityView;
  /** Summaries besides the totals one, kept as rows are written (the overview's charts). */
  summaries?: readonly SummaryFacet[];
}

/** Types a definition against its table (the mapper must return the table's insert row). */
export function defineEntity<TTable extends PgTable>(def: EntityDefinition<TTable, TTable["$inferInsert"]>): EntityDefinition<TTable, TTable["$inferInsert"]> {
  return def;
}
