import { Column, getTableName, is, sql, SQL, type SQLChunk } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import { queryRows, type Db } from "@/lib/db/client";
import type { EntityDefinition, SummaryFacet } from "./definition";
import { ENTITIES } from "./registry";

/**
 * Totals, charts and record counts kept as the sync writes (table mirror_summaries), instead of
 * being recomputed by scanning every row of an organisation at each first view after a sync.
 *
 * Every mirror table has the `totals` facet (every row; its view's totals money columns); a
 * definition may add facets (`summaries`: invoices by due date for the overdue total and the
 * receivables ageing, by month for invoiced vs paid). A row contributes 1 and its money to one
 * group of each facet whose `where` it meets. Each write of mirror rows is followed, in its
 * transaction, by ONE statement that adds the written rows' contribution and subtracts the one
 * they had before (read by the write's own look-up of the stored rows), group by group in a fixed
 * order. A sync's pages share groups: the keyset walk, which writes two pages at once, runs a
 * page's statement only after the previous page committed (BatchResult.summaries). Groups whose
 * count falls to 0 stay (as zeros) and are left out by every read.
 */

const FACET_MONEY = 4;

interface Facet extends SummaryFacet {
  name: string;
}

function col(def: EntityDefinition, key: string): PgColumn {
  const c = (def.table as unknown as Record<string, PgColumn | undefined>)[key];
  if (!c) throw new Error(`${def.name}: no column ${key}`);
  return c;
}

/** The facets of an entity: `totals` first, then its definition's own. */
export function facetsOf(def: EntityDefinition): Facet[] {
  const facets: Facet[] = [{ name: "totals", money: def.view.totals?.money ?? [] }, ...(def.summaries ?? [])];
  for (const f of facets) if (f.money.length > FACET_MONEY) throw new Error(`${def.name}: a summary sums at most ${FACET_MONEY} money columns`);
  return facets;
}

function columnsIn(chunks: SQLChunk[], into: Map<string, PgColumn>): void {
  for (const c of chunks) {
    if (is(c, Column)) into.set((c as PgColumn).name, c as PgColumn);
    else if (is(c, SQL)) columnsIn((c as SQL).queryChunks, into);
  }
}

/** Every column a row's contribution depends on, by column name. */
function contributionColumns(def: EntityDefinition): Map<string, PgColumn> {
  const cols = new Map<string, PgColumn>();
  const add = (key: string | undefined) => {
    if (key) cols.set(col(def, key).name, col(def, key));
  };
  add(def.view.totals?.currencyKey);
  add(def.deletes.statusKey);
  add("deletedInXeroAt");
  for (const f of facetsOf(def)) {
    f.money.forEach(add);
    add(f.dim);
    add(f.day?.column);
    if (f.where) columnsIn(f.where.queryChunks, cols);
  }
  return cols;
}

/** One facet's contribution of the rows `from` yields (signed), as the summary's columns. */
function contribution(def: EntityDefinition, f: Facet, sign: "" | "-", deleted: SQL, from: SQL): SQL {
  const currencyKey = def.view.totals?.currencyKey;
  const text = (key: string | undefined) => (key ? sql`coalesce(${col(def, key)}::text, '')` : sql`''`);
  const day = !f.day ? sql`null::date` : f.day.grain === "day" ? sql`${col(def, f.day.column)}::date` : sql`date_trunc('month', ${col(def, f.day.column)})::date`;
  const money = Array.from({ length: FACET_MONEY }, (_, i) => (f.money[i] ? sql`${sql.raw(sign)}(${col(def, f.money[i]!)})::numeric` : sql`null::numeric`));
  return sql`select ${def.name}::text as entity, ${f.name}::text as facet, ${text(currencyKey)} as currency, ${text(def.deletes.statusKey)} as status, ${deleted} as deleted, ${text(f.dim)} as dim, ${day} as day, ${sql.raw(sign)}1 as n, ${sql.join(money, sql`, `)} from ${from}${f.where ? sql` and (${f.where})` : sql``}`;
}

/** Adds the signed contributions (`parts`, contribution() selects) to the tenant's groups, in one statement. */
async function applyParts(db: Db, tenantId: string, parts: SQL[]): Promise<void> {
  if (parts.length === 0) return;
  const keys = sql.raw("entity, facet, currency, status, deleted, dim, day");
  const sums = Array.from({ length: FACET_MONEY }, (_, i) => sql.raw(`sum(s${i})`));
  const changed = Array.from({ length: FACET_MONEY }, (_, i) => sql.raw(`coalesce(sum(s${i}), 0) <> 0`));
  const merge = Array.from({ length: FACET_MONEY }, (_, i) => sql.raw(`s${i} = coalesce(s.s${i} + excluded.s${i}, s.s${i}, excluded.s${i})`));
  await db.execute(sql`insert into mirror_summaries as s (tenant_id, ${keys}, n, s0, s1, s2, s3)
    select ${tenantId}::uuid, ${keys}, sum(n), ${sql.join(sums, sql`, `)}
    from (${sql.join(parts, sql` union all `)}) as d(${keys}, n, s0, s1, s2, s3)
    group by ${keys} having sum(n) <> 0 or ${sql.join(changed, sql` or `)}
    order by ${keys}
    on conflict on constraint mirror_summaries_group_key do update set n = s.n + excluded.n, ${sql.join(merge, sql`, `)}`);
}

const isDeleted = (def: EntityDefinition) => sql`(${col(def, "deletedInXeroAt")} is not null)`;

/** The table's rows of these ids (written just now, in this transaction). */
function storedRowsOf(def: EntityDefinition, tenantId: string, ids: readonly string[], idType: string): SQL {
  const literal = `{${ids.map((v) => `"${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`).join(",")}}`;
  return sql`${def.table} where ${col(def, "tenantId")} = ${tenantId}::uuid and ${def.idColumn} = any(${literal}::${sql.raw(idType)}[])`;
}

/** How one mirror table's writes keep its summaries; undefined for a table no entity owns. */
export interface SummaryWrite {
  /** What the write's look-up of stored rows must also read (by column name): the old contribution. */
  columns: Record<string, PgColumn>;
  /**
   * After the upsert, in its transaction: the rows of `writtenIds` now count as they are stored,
   * no longer as `before` (the look-up's rows of those ids that existed).
   */
  apply(db: Db, tenantId: string, writtenIds: readonly string[], before: readonly Record<string, unknown>[]): Promise<void>;
}

const WRITES = new Map<PgTable, SummaryWrite>();

export function summaryWrite(table: PgTable): SummaryWrite | undefined {
  const known = WRITES.get(table);
  if (known) return known;
  const def = ENTITIES.find((d) => d.table === table);
  if (!def) return undefined;
  const cols = contributionColumns(def);
  const idType = def.idColumn.getSQLType();
  const recordType = [...cols.values()].map((c) => `${c.name} ${c.getSQLType()}`).join(", ");
  const write: SummaryWrite = {
    columns: Object.fromEntries(cols),
    async apply(db, tenantId, writtenIds, before) {
      if (writtenIds.length === 0) return;
      const now = storedRowsOf(def, tenantId, writtenIds, idType);
      const parts = facetsOf(def).map((f) => contribution(def, f, "", isDeleted(def), now));
      if (before.length) {
        const json = JSON.stringify(before.map((r) => Object.fromEntries([...cols.keys()].map((name) => [name, r[name] ?? null]))));
        // Named as the table, so the facets' conditions (qualified by the table) read the old values.
        const old = sql`jsonb_to_recordset(${json}::jsonb) as ${sql.identifier(getTableName(def.table))}(${sql.raw(recordType)}) where true`;
        for (const f of facetsOf(def)) parts.push(contribution(def, f, "-", isDeleted(def), old));
      }
      await applyParts(db, tenantId, parts);
    },
  };
  WRITES.set(table, write);
  return write;
}

/**
 * After rows of `ids` had their deleted-in-Xero flag turned (set or cleared) and nothing else:
 * they count in their new groups and leave the old ones (the same but for the flag).
 */
export async function summariesAfterDeletedFlag(db: Db, table: PgTable, tenantId: string, ids: readonly string[]): Promise<void> {
  const def = ENTITIES.find((d) => d.table === table);
  if (!def || ids.length === 0) return;
  const rows = storedRowsOf(def, tenantId, ids, def.idColumn.getSQLType());
  const parts = facetsOf(def).flatMap((f) => [contribution(def, f, "", isDeleted(def), rows), contribution(def, f, "-", sql`not ${isDeleted(def)}`, rows)]);
  await applyParts(db, tenantId, parts);
}

/** Recomputes the summaries of these tenants' rows of an entity from its table. */
export async function rebuildSummaries(db: Db, def: EntityDefinition, tenantIds: readonly string[]): Promise<void> {
  if (tenantIds.length === 0) return;
  await db.transaction(async (tx) => {
    for (const tenantId of tenantIds) {
      await tx.execute(sql`delete from mirror_summaries where tenant_id = ${tenantId}::uuid and entity = ${def.name}`);
      const rows = sql`${def.table} where ${col(def, "tenantId")} = ${tenantId}::uuid`;
      await applyParts(tx, tenantId, facetsOf(def).map((f) => contribution(def, f, "", isDeleted(def), rows)));
    }
  });
}

/**
 * At start-up, after the migrations: organisations whose rows of an entity have no summaries yet
 * (stored before summaries existed, or written straight into the table), or none of a facet that
 * some of their rows count in (a facet added since), get them, from the table.
 */
export async function backfillSummaries(db: Db): Promise<void> {
  for (const def of ENTITIES) {
    // Per facet, so that a facet added to a definition is filled in for organisations summarised before it.
    const missing = new Set<string>();
    for (const f of facetsOf(def)) {
      const rows = await queryRows<{ id: string }>(
        db,
        sql`select t.id::text as id from xero_tenants t where exists (select 1 from ${def.table} where ${col(def, "tenantId")} = t.id${f.where ? sql` and (${f.where})` : sql``})
          and not exists (select 1 from mirror_summaries s where s.tenant_id = t.id and s.entity = ${def.name} and s.facet = ${f.name})`,
      );
      for (const r of rows) missing.add(r.id);
    }
    await rebuildSummaries(db, def, [...missing]);
  }
}

/**
 * Sums of a facet (or several) over these tenants' non-empty groups meeting `where` (over the summary's
 * columns), grouped by `groupBy` (summary columns or expressions over them, returned as g0, g1 …):
 * n and s0…s3, as decimal text (s NULL where every row's money was NULL).
 */
export async function summarySums(
  db: Db,
  entity: string,
  facet: string | readonly string[],
  tenantIds: readonly string[],
  where: SQL | undefined,
  groupBy: readonly SQL[],
  orderAndLimit?: SQL,
): Promise<Record<string, string | null>[]> {
  if (tenantIds.length === 0) return [];
  const ids = sql`(${sql.join(tenantIds.map((id) => sql`${id}::uuid`), sql`, `)})`;
  const groups = groupBy.map((g, i) => sql`${g} as ${sql.raw(`g${i}`)}`);
  const sums = Array.from({ length: FACET_MONEY }, (_, i) => sql.raw(`sum(s${i})::text as s${i}`));
  return queryRows<Record<string, string | null>>(
    db,
    sql`select ${sql.join([...groups, sql`sum(n)::text as n`, ...sums], sql`, `)} from mirror_summaries
      where tenant_id in ${ids} and entity = ${entity} and facet in (${sql.join((typeof facet === "string" ? [facet] : facet).map((f) => sql`${f}`), sql`, `)}) and n <> 0${where ? sql` and (${where})` : sql``}
      ${groupBy.length ? sql`group by ${sql.join(groupBy.map((_, i) => sql.raw(String(i + 1))), sql`, `)}` : sql``} ${orderAndLimit ?? sql``}`,
  );
}
