import { and, eq, getTableColumns, getTableName, sql, type SQL } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import { summaryWrite } from "@/lib/entities/summaries";
import type { Db } from "../client";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The write path shared by every mirrored Xero entity: one page of rows from Xero → only the new
 * or newer ones reach the database (a re-sync of unchanged data writes nothing).
 *
 * Shipping unchanged JSON costs almost as much as inserting it (measured), so:
 *   1. read the stored xero_updated_at of the page's ids (one indexed query, ids only);
 *   2. send only rows that are new or carry a newer UpdatedDateUTC, as ONE jsonb parameter
 *      unpacked by jsonb_to_recordset (one round trip, no 24,000 bind parameters, and the same
 *      statement on PGlite and postgres.js — no `::jsonb[]` double-encoding quirk);
 *   3. the ON CONFLICT … WHERE stored < incoming guard keeps the rule even against a concurrent
 *      writer. RETURNING tells what was really written. Every row written gets a new change
 *      stamp (CHANGE_STAMP), which puts it in the change feed.
 * In `full` mode (an on-demand full re-sync), rows with an equal timestamp are sent too and
 * rewritten when their JSON differs: that repairs edits Xero made without bumping UpdatedDateUTC.
 * Entities without UpdatedDateUTC (tax rates, tracking categories) are always compared by their
 * JSON: a refresh that changes nothing writes nothing.
 * Run it inside the caller's transaction together with the cursor advance.
 */

export interface MirrorColumn {
  /** snake_case column name */
  name: string;
  /** PostgreSQL type used to read it out of the jsonb record */
  type: string;
  /** camelCase key of the drizzle row */
  key: string;
}

export interface MirrorSpec {
  table: PgTable;
  tableName: string;
  idColumn: PgColumn;
  idName: string;
  idKey: string;
  /** uuid or text: Xero's ids are GUIDs except a few (TaxType). */
  idType: string;
  tenantColumn: PgColumn;
  updatedColumn: PgColumn;
  /** Records carry UpdatedDateUTC (xero_updated_at NOT NULL); otherwise compared by content. */
  versioned: boolean;
  /** every column written, excluding tenant_id, deleted_in_xero_at, first/last_synced_at and the change stamp */
  columns: MirrorColumn[];
  /** Child tables rewritten with their parent (allocations, journal lines …). */
  children: ChildSpec[];
}

/**
 * A child table of a mirror table: rows that belong to one parent record (a credit note's
 * allocations, a journal's lines), keyed by (tenant_id, parent id, …). Whenever the parent row is
 * written, its children are replaced in the same statement batch; an unchanged parent leaves them.
 */
export interface ChildSpec {
  table: PgTable;
  tableName: string;
  /** The child's column holding the parent's id. */
  parentName: string;
  /** every column written, excluding tenant_id */
  columns: MirrorColumn[];
}

/** A child table as the engine writes it; derived from its drizzle definition. */
export function childSpec(table: PgTable, parentColumn: PgColumn): ChildSpec {
  const all = getTableColumns(table) as Record<string, PgColumn>;
  if (!all.tenantId) throw new TypeError(`${getTableName(table)} has no tenant_id`);
  const columns = Object.entries(all)
    .filter(([key]) => key !== "tenantId")
    .map(([key, c]) => ({ name: c.name, type: c.getSQLType(), key }));
  return { table, tableName: getTableName(table), parentName: parentColumn.name, columns };
}

/** Written by the statement itself, never by the mapper. */
const BOOKKEEPING = new Set(["tenantId", "deletedInXeroAt", "firstSyncedAt", "lastSyncedAt", "changeTxid", "changeSeq"]);

/**
 * The SET list every UPDATE of a mirror row carries, so the row moves to the end of the change
 * feed (lib/entities/change-feed.ts): the writing transaction's id and the next number of the
 * shared sequence. An insert gets the same from the columns' defaults.
 */
export const CHANGE_STAMP = "change_txid = pg_current_xact_id(), change_seq = nextval('mirror_change_seq')";
const SPECS = new WeakMap<PgTable, MirrorSpec>();

/**
 * The write spec of a mirror table, derived from its drizzle definition (so the column list is
 * never typed twice). The table has tenant_id, its id column, xero_updated_at and raw
 * (lib/entities/columns.ts).
 */
export function mirrorSpec(table: PgTable, idColumn: PgColumn, children: readonly ChildSpec[] = []): MirrorSpec {
  const known = SPECS.get(table);
  if (known) return known;
  const all = getTableColumns(table) as Record<string, PgColumn>;
  const idKey = Object.entries(all).find(([, c]) => c === idColumn)?.[0];
  const tenantColumn = all.tenantId;
  const updatedColumn = all.xeroUpdatedAt;
  if (!idKey || !tenantColumn || !updatedColumn || !all.raw) throw new TypeError(`${getTableName(table)} is not a mirror table`);
  const columns = Object.entries(all)
    .filter(([key]) => !BOOKKEEPING.has(key))
    .map(([key, c]) => ({ name: c.name, type: c.getSQLType(), key }));
  const spec: MirrorSpec = {
    table,
    tableName: getTableName(table),
    idColumn,
    idName: idColumn.name,
    idKey,
    idType: idColumn.getSQLType(),
    tenantColumn,
    updatedColumn,
    versioned: updatedColumn.notNull,
    columns,
    children: [...children],
  };
  SPECS.set(table, spec);
  return spec;
}

export interface BatchResult {
  inserted: number;
  updated: number;
  unchanged: number;
  /**
   * With `deferSummaries`: the summaries' update of this write (lib/entities/summaries.ts), for the
   * caller to run later in the same transaction. Two pages written at once update the same summary
   * rows; the later page runs it once the earlier one has committed, so that neither waits on a
   * row lock the other holds while waiting for it.
   */
  summaries?: () => Promise<void>;
}

export type MirrorRow = Record<string, unknown> & { xeroUpdatedAt?: Date | null };

/**
 * A row already serialised for the write: its id, its UpdatedDateUTC and its jsonb_to_recordset
 * record as a JSON string. The sync engine prepares rows as soon as a page arrives, so the page's
 * object graphs (Xero's JSON and xero-node's models) can be collected young instead of living
 * across the database round trips; only flat strings wait for the write.
 */
export interface PreparedRow {
  id: string;
  updatedMs: number;
  json: string;
  /** Per child table of the spec: the record's child rows as one JSON array text. */
  children?: string[];
}

/** A PostgreSQL array literal of text values, each quoted (ids that are not GUIDs are arbitrary text). */
export function arrayLiteral(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`).join(",")}}`;
}

function resultRows<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

/**
 * A jsonb value given as JSON text that is already known to be valid (the sync passes each
 * record's text exactly as Xero sent it, after JSON-parsing it for the mapper): written into the
 * payload as is instead of being serialised again.
 */
export class JsonText {
  constructor(readonly text: string) {}
}

/** One record's rows of a child table, serialised like prepareMirrorRow's (a JSON array text). */
export function prepareChildRows(spec: ChildSpec, rows: readonly Record<string, unknown>[]): string {
  return JSON.stringify(rows.map((row) => Object.fromEntries(spec.columns.map((c) => [c.name, row[c.key] instanceof Date ? (row[c.key] as Date).toISOString() : (row[c.key] ?? null)]))));
}

export function prepareMirrorRow(spec: MirrorSpec, row: MirrorRow, children?: string[]): PreparedRow {
  const o: Record<string, unknown> = {};
  let verbatim = "";
  for (const c of spec.columns) {
    const v = row[c.key];
    if (v instanceof JsonText) verbatim += `,${JSON.stringify(c.name)}:${v.text}`;
    else o[c.name] = v instanceof Date ? v.toISOString() : (v ?? null);
  }
  // `o` always holds the id column, so its JSON is "{…}" with at least one member.
  const head = JSON.stringify(o);
  const json = verbatim ? `${head.slice(0, -1)}${verbatim}}` : head;
  return { id: row[spec.idKey] as string, updatedMs: row.xeroUpdatedAt?.getTime() ?? 0, json, ...(children ? { children } : {}) };
}

/** The one "[…]" string a packed page's row texts are slices of (see packPreparedRows). */
const PACKED = new WeakMap<readonly PreparedRow[], string>();

/**
 * Joins a page's prepared rows into the JSON array the write sends, now, and makes each row's
 * `json` a slice of it. The rows' own strings (and the record texts inside them) then die young
 * instead of living, and being promoted by V8, until the write; and when the write sends every
 * row, that one string is the payload (no second copy of ~2 MB). Returns `rows`.
 */
export function packPreparedRows(rows: PreparedRow[]): PreparedRow[] {
  if (rows.length === 0) return rows;
  const parts = rows.map((r) => r.json);
  parts[0] = `[${parts[0]}`;
  parts[parts.length - 1] += "]";
  const whole = parts.join(",");
  let at = 1;
  for (const r of rows) {
    const end = at + r.json.length;
    r.json = whole.slice(at, end);
    at = end + 1;
  }
  PACKED.set(rows, whole);
  return rows;
}

export async function upsertPreparedBatch(
  db: Db,
  spec: MirrorSpec,
  tenantId: string,
  rows: PreparedRow[],
  options: { full?: boolean; deferSummaries?: boolean } = {},
): Promise<BatchResult> {
  if (rows.length === 0) return { inserted: 0, updated: 0, unchanged: 0 };
  // Xero should not repeat an id within a page; if it does, keep the newest version.
  const byId = new Map<string, PreparedRow>();
  for (const row of rows) {
    const prev = byId.get(row.id);
    if (!prev || prev.updatedMs <= row.updatedMs) byId.set(row.id, row);
  }
  const ids = [...byId.keys()];
  // The id itself stays out of the message: a record id that is not a GUID is arbitrary text.
  if (spec.idType === "uuid") for (const id of ids) if (!UUID.test(id)) throw new TypeError("a record's id is not a Xero id (uuid)");
  // One array parameter (not 1,000 bind parameters that the planner has to look at each time).
  // The summaries' columns too: what the stored rows counted for before this write.
  const summary = summaryWrite(spec.table);
  const storedRows = await db
    .select({ ...summary?.columns, id: spec.idColumn, updatedAt: spec.updatedColumn })
    .from(spec.table)
    .where(and(eq(spec.tenantColumn, tenantId), sql`${spec.idColumn} = any(${arrayLiteral(ids)}::${sql.raw(spec.idType)}[])`));
  const stored = new Map<string, number>();
  for (const r of storedRows) stored.set(r.id as string, (r.updatedAt as Date | null)?.getTime() ?? 0);

  const toSend: string[] = [];
  for (const [id, row] of byId) {
    const prev = stored.get(id);
    // Without UpdatedDateUTC every row goes to the statement, whose guard compares the JSON.
    if (!spec.versioned || prev === undefined || prev < row.updatedMs || (options.full && prev === row.updatedMs)) toSend.push(row.json);
  }
  if (toSend.length === 0) return { inserted: 0, updated: 0, unchanged: rows.length };

  // Every row of a packed page, in order: its packed string is the payload. Otherwise one flat
  // string (join, not join + concatenation): a 1,000-invoice page is ~2 MB, and every extra copy
  // is large-object garbage that only a full GC frees.
  let payload = toSend.length === rows.length ? PACKED.get(rows) : undefined;
  if (payload === undefined) {
    toSend[0] = `[${toSend[0]}`;
    toSend[toSend.length - 1] += "]";
    payload = toSend.join(",");
  }
  const cols = spec.columns.map((c) => c.name);
  const recordType = spec.columns.map((c) => `${c.name} ${c.type}`).join(", ");
  // A record that comes back is no longer deleted in Xero.
  const updates = [...cols.filter((c) => c !== spec.idName).map((c) => `${c} = excluded.${c}`), "deleted_in_xero_at = null"];
  const t = spec.tableName;
  let guard = `${t}.xero_updated_at < excluded.xero_updated_at`;
  if (!spec.versioned) guard = `${t}.raw is distinct from excluded.raw`;
  else if (options.full) guard = `(${guard} or (${t}.xero_updated_at = excluded.xero_updated_at and ${t}.raw is distinct from excluded.raw))`;
  const statement: SQL = sql.join([
    sql.raw(`insert into ${t} (tenant_id, ${cols.join(", ")}, first_synced_at, last_synced_at) select `),
    sql`${tenantId}::uuid`,
    sql.raw(`, ${cols.map((c) => `r.${c}`).join(", ")}, now(), now() from jsonb_to_recordset(`),
    sql`${payload}::jsonb`,
    sql.raw(
      `) as r(${recordType}) on conflict (tenant_id, ${spec.idName}) do update set ${updates.join(", ")}, last_synced_at = now(), ${CHANGE_STAMP} where ${guard} returning ${spec.idName} as id`,
    ),
  ]);
  // Plan the write without looking at the payload: a custom plan (the connection's default,
  // lib/db/client.ts) copies the page's ~2 MB of jsonb into the planner as a constant, which
  // cost PostgreSQL ~30 ms of CPU per 1,000-invoice page (about a fifth of the statement). The plan (a function scan feeding the insert) is the same for every page anyway.
  // SET LOCAL, then RESET right after: the connection's own setting (lib/db/client.ts) for every
  // other statement of the caller's transaction.
  await db.execute(sql.raw("set local plan_cache_mode = force_generic_plan"));
  const written = resultRows<{ id: string }>(await db.execute(statement));
  await db.execute(sql.raw("reset plan_cache_mode"));
  if (spec.children.length && written.length) await replaceChildren(db, spec, tenantId, written.map((w) => byId.get(w.id)!));
  let summaries: (() => Promise<void>) | undefined;
  if (summary && written.length) {
    const writtenIds = new Set(written.map((w) => w.id));
    summaries = () => summary.apply(db, tenantId, [...writtenIds], storedRows.filter((r) => writtenIds.has(r.id as string)));
    if (!options.deferSummaries) await summaries();
  }
  let inserted = 0;
  let updated = 0;
  for (const w of written) {
    if (stored.has(w.id)) updated++;
    else inserted++;
  }
  // A repeated id within the page counts as unchanged.
  return { inserted, updated, unchanged: rows.length - inserted - updated, ...(options.deferSummaries ? { summaries } : {}) };
}

/** Replaces the child rows of the parents just written (delete, then one insert per child table). */
async function replaceChildren(db: Db, spec: MirrorSpec, tenantId: string, parents: PreparedRow[]): Promise<void> {
  const parentIds = arrayLiteral(parents.map((p) => p.id));
  for (const [i, child] of spec.children.entries()) {
    await db.execute(
      sql.join([sql.raw(`delete from ${child.tableName} where tenant_id = `), sql`${tenantId}::uuid`, sql.raw(` and ${child.parentName} = any(`), sql`${parentIds}::${sql.raw(spec.idType)}[]`, sql.raw(")")]),
    );
    const parts: string[] = [];
    for (const p of parents) {
      const text = p.children?.[i];
      if (text && text.length > 2) parts.push(text.slice(1, -1));
    }
    if (!parts.length) continue;
    const cols = child.columns.map((c) => c.name);
    await db.execute(
      sql.join([
        sql.raw(`insert into ${child.tableName} (tenant_id, ${cols.join(", ")}) select `),
        sql`${tenantId}::uuid`,
        sql.raw(`, ${cols.map((c) => `r.${c}`).join(", ")} from jsonb_to_recordset(`),
        sql`${`[${parts.join(",")}]`}::jsonb`,
        sql.raw(`) as r(${child.columns.map((c) => `${c.name} ${c.type}`).join(", ")})`),
      ]),
    );
  }
}
