import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, getTableColumns, sql } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import { entityBatches, filterConditions, listEntity, selection, toRow, type EntityRow } from "@/lib/entities/read-model";
import { idKindOf, parseEntityQuery, sortColumnOf, type EntityQuery } from "@/lib/entities/read-model-params";
import { ENTITIES, entity } from "@/lib/entities/registry";
import type { EntityDefinition } from "@/lib/entities/definition";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/db";
import { analyze, seedContacts, seedInvoices, seedTenant, seedUser } from "@/tests/helpers/seed-mirror";
import type { Db } from "@/lib/db";
import * as schema from "@/lib/db/schema";
import { keysetPage, type Cursor, type KeysetPage, type KeysetRow } from "@/lib/lists/keyset";
import { todayUtc } from "@/lib/lists/today";
import { syncTenant } from "@/lib/sync";
import { createWorld, type SyncWorld } from "../sync/harness";

/**
 * Lists over several organisations are merged from one index scan per organisation
 * (lib/entities/read-model.ts, mergedPages). Against three organisations synced from the
 * simulator, with many equal sort values (within and across organisations) and NULLs made on
 * purpose, walking every entity's every sort in both directions, page by page forwards, backwards
 * and from the last page, gives exactly the rows and order of one query over all of them sorted
 * at once (the list before the merge), filters and search included; so does the CSV's batching.
 */

const NOW = new Date("2026-06-15T12:00:00Z");
const PAGE = 7;
/** For the filtered lists, some of which hold few rows. */
const SMALL_PAGE = 2;

let world: SyncWorld;
let reader: { id: string };
let ids: string[];

beforeAll(async () => {
  world = await createWorld([
    { name: "Fan North (NZ)", invoices: 90, contacts: 40 },
    { name: "Fan South (NZ)", invoices: 70, contacts: 30 },
    { name: "Fan West (UK)", invoices: 50, contacts: 20 },
  ]);
  reader = { id: world.user.userId };
  ids = world.user.tenants.map((t) => t.id);
  for (const t of world.user.tenants) {
    const r = await syncTenant(world.db.db, { tenantId: t.id, trigger: "manual" });
    expect(r.status).toBe("success");
  }
  // Ties and NULLs on every sort column: a quarter of each table's rows share one value of it
  // (across the organisations), a seventh of a nullable one's have none.
  for (const def of ENTITIES) {
    const table = def.table;
    for (const s of def.view.sorts) {
      const col = sortColumnOf(def, s.key).expr as PgColumn;
      const id = def.idColumn;
      if (col === id) continue;
      await world.db.db.execute(
        sql`update ${table} set ${sql.identifier(col.name)} = (select ${col} from ${def.table} where ${col} is not null order by ${id} limit 1) where abs(hashtext(${id}::text || ${s.key})) % 4 = 0`,
      );
      if (!col.notNull) await world.db.db.execute(sql`update ${table} set ${sql.identifier(col.name)} = null where abs(hashtext(${id}::text || ${s.key})) % 7 = 1`);
    }
  }
}, 240_000);

afterAll(() => world?.close());

/**
 * The filtered list as one query over every organisation, sorted at once (the list before the
 * merge): whole, or walked `size` rows a page by its cursors.
 */
async function oneQuery(def: EntityDefinition, q: EntityQuery, size = 100_000): Promise<EntityRow[]> {
  const today = todayUtc(NOW);
  const sel = selection(def, q.sort, today);
  const rows: EntityRow[] = [];
  let after: Cursor | null = null;
  do {
    const page: KeysetPage<KeysetRow & Record<string, unknown>> = await keysetPage<KeysetRow & Record<string, unknown>>(
      {
        sort: sortColumnOf(def, q.sort),
        dir: q.dir,
        id: def.idColumn,
        idKind: idKindOf(def),
        ...(idKindOf(def) === "text" ? { tenant: getTableColumns(def.table).tenantId! } : {}),
        after,
        before: null,
        limit: size,
        fetch: (where, orderBy, limit) =>
          world.db.db
            .select(sel)
            .from(def.table)
            .where(and(...filterConditions(def, q, ids, today), where))
            .orderBy(...orderBy)
            .limit(limit) as unknown as Promise<KeysetRow[]>,
      },
      `${q.sort}.${q.dir}`,
    );
    rows.push(...page.rows.map((r) => toRow(def, r)));
    after = page.next;
  } while (after);
  return rows;
}

/** A page smaller than the URL's page sizes, so that each list takes many pages. */
const parse = (def: EntityDefinition, params: Record<string, string>): EntityQuery => ({ ...parseEntityQuery(def, params), size: PAGE });
const key = (r: EntityRow) => `${r.tenantId}:${r.id}`;
/** As the one query reads it: without the values read for a page afterwards (a contact's receivables). */
const bare = (rows: EntityRow[]) => rows.map(({ extra: _, ...r }) => r);

/** Every page forwards by `next`, then backwards from the end by `prev`, then from the last page. */
async function walks(def: EntityDefinition, params: Record<string, string>, size = PAGE) {
  const list = (extra: Record<string, string>) => listEntity(world.db.db, reader, def, { ...parse(def, { ...params, ...extra }), size }, NOW);
  const forwards: EntityRow[] = [];
  let page = await list({});
  let lastNext: string | null = null;
  for (;;) {
    forwards.push(...page.rows);
    if (!page.next) break;
    lastNext = page.next;
    page = await list({ after: page.next });
  }
  // Back from the final page: before = that page's prev, and so on to the start.
  const backwards: EntityRow[] = [...page.rows];
  let prev = page.prev;
  while (prev) {
    const p = await list({ before: prev });
    backwards.unshift(...p.rows);
    prev = p.prev;
  }
  const lastPage = await list({ last: "1" });
  return { forwards, backwards, lastPage: lastPage.rows, walkedPages: lastNext !== null };
}

function sortsOf(def: EntityDefinition) {
  return def.view.sorts.flatMap((s) => (["asc", "desc"] as const).map((dir) => ({ sort: s.key, dir })));
}

describe("lists over several organisations: one index scan per organisation, merged", () => {
  for (const def of ENTITIES) {
    it(`${def.name}: every sort, both directions, equals the one query`, async () => {
      for (const { sort, dir } of sortsOf(def)) {
        const q = parse(def, { sort, dir });
        // A tax rate's id is its code, the same in organisations of one country: rows sharing a
        // sort value and an id are told apart by their organisation, so no cursor skips one.
        const { forwards, backwards, lastPage } = await walks(def, { sort, dir });
        const want = await oneQuery(def, q);
        expect(forwards.map(key), `${sort} ${dir}`).toEqual(want.map(key));
        expect(bare(forwards), `${sort} ${dir}`).toEqual(want);
        {
          expect(backwards.map(key), `${sort} ${dir} backwards`).toEqual(want.map(key));
          expect(lastPage.map(key), `${sort} ${dir} last page`).toEqual(want.slice(-PAGE).map(key));
        }
        if (want.length > PAGE) expect(new Set(want.map((r) => r.tenantId)).size, `${def.name} has rows in several organisations`).toBeGreaterThan(1);
      }
    });
  }

  const INV = entity("invoices");
  const CON = entity("contacts");
  it.each([
    ["a status filter", INV, { status: "AUTHORISED", sort: "amountDue", dir: "desc" }],
    ["a type and a status filter", INV, { type: "sales", status: "AUTHORISED", sort: "due", dir: "asc" }],
    ["a date range", INV, { from: "2026-01-01", to: "2026-05-31", sort: "total", dir: "asc" }],
    ["a short search (not selective: merged)", INV, { q: "1", sort: "date", dir: "desc" }],
    ["overdue", INV, { overdue: "1", sort: "due", dir: "asc" }],
    ["a search (selective: one query)", INV, { q: "INV-00", sort: "number", dir: "asc" }],
    ["contacts by name", CON, { sort: "name", dir: "desc" }],
  ] as const)("%s gives the one query's rows and order", async (_label, def, params) => {
    const want = await oneQuery(def, parse(def, params));
    expect(want.length).toBeGreaterThan(SMALL_PAGE);
    const { forwards, backwards } = await walks(def, params, SMALL_PAGE);
    expect(bare(forwards)).toEqual(want);
    expect(backwards.map(key)).toEqual(want.map(key));
  });

  it("the CSV's batches are the one query's rows in order", async () => {
    const q = parseEntityQuery(INV, { sort: "date", dir: "asc" });
    const got: EntityRow[] = [];
    for await (const batch of entityBatches(world.db.db, reader, INV, q, 11, NOW)) got.push(...batch);
    const want = await oneQuery(INV, q);
    expect(got.map(key)).toEqual(want.map(key));
  });
});

/** Rows each scan of `table` in a plan handed on (EXPLAIN ANALYZE's actual rows times loops), summed. */
function rowsRead(plan: ExplainNode, table: string): number {
  const own = plan["Relation Name"] === table ? plan["Actual Rows"] * plan["Actual Loops"] : 0;
  return own + (plan.Plans ?? []).reduce((s, p) => s + rowsRead(p, table), 0);
}
/** A plan as one line per node: type, relation or index, actual rows × loops. */
function outline(plan: ExplainNode, depth = 0): string {
  const self = `${"  ".repeat(depth)}${plan["Node Type"]} ${plan["Index Name"] ?? plan["Relation Name"] ?? ""} ${plan["Actual Rows"]}×${plan["Actual Loops"]}`;
  return [self, ...(plan.Plans ?? []).map((p) => outline(p, depth + 1))].join("\n");
}
interface ExplainNode {
  "Index Name"?: string;
  "Node Type": string;
  "Relation Name"?: string;
  "Actual Rows": number;
  "Actual Loops": number;
  Plans?: ExplainNode[];
}

describe("a page over several organisations reads a page per organisation, not all their rows", () => {
  const ORGS = 4;
  const PER_ORG = 2000;
  const SIZE = 25;
  let db: TestDatabase;
  let handle: { db: Db };
  const statements: { query: string; params: unknown[] }[] = [];
  let owner: { id: string };

  beforeAll(async () => {
    db = await createTestDatabase();
    const user = await seedUser(db.db, { email: "fanout@example.test" });
    owner = { id: user.id };
    for (let i = 0; i < ORGS; i++) {
      const tenant = await seedTenant(db.db, user.id, { name: `Plan Org ${i + 1}` });
      await seedInvoices(db.db, tenant.id, PER_ORG, await seedContacts(db.db, tenant.id, 50, { ns: 0x300 + i }), { ns: 0x400 + i, today: NOW, batch: 2000 });
    }
    await analyze(db.db);
    // The same connection, with every statement and its parameters recorded.
    const logger = { logQuery: (query: string, params: unknown[]) => void statements.push({ query, params }) };
    const client = (db.db as unknown as { $client: unknown }).$client;
    handle = {
      db: (db.kind === "pglite"
        ? (await import("drizzle-orm/pglite")).drizzle({ client: client as never, schema, logger })
        : (await import("drizzle-orm/postgres-js")).drizzle({ client: client as never, schema, logger })) as unknown as Db,
    };
  }, 120_000);
  afterAll(() => db?.close());

  async function explain(query: string, params: unknown[]): Promise<ExplainNode> {
    const text = `explain (analyze, format json) ${query}`;
    const client = (db.db as unknown as { $client: { query?: unknown; unsafe?: unknown } }).$client;
    const rows =
      db.kind === "pglite"
        ? ((await (client as { query: (q: string, p: unknown[]) => Promise<{ rows: Record<string, unknown>[] }> }).query(text, params)).rows)
        : await (client as { unsafe: (q: string, p: unknown[]) => Promise<Record<string, unknown>[]> }).unsafe(text, params as never[]);
    const plan = Object.values(rows[0]!)[0];
    return ((typeof plan === "string" ? JSON.parse(plan) : plan) as { Plan: ExplainNode }[])[0]!.Plan;
  }

  it.each([
    ["page 1, by date", "date", "desc", false],
    ["a page from the middle, by total, backwards", "total", "asc", true],
    ["a page from the middle, by number", "number", "asc", true],
  ] as const)("%s", async (_label, sort, dir, middle) => {
    const INV = entity("invoices");
    const q = { ...parseEntityQuery(INV, { sort, dir }), size: SIZE };
    // The middle: a cursor at the median row of the sort column (Next or Previous from there).
    const col = sortColumnOf(INV, sort).expr as PgColumn;
    const [mid] = await db.db
      .select({ k: sql<string>`${col}::text`, id: sql<string>`${INV.idColumn}::text` })
      .from(INV.table)
      .where(sql`${col} is not null`)
      .orderBy(col, INV.idColumn)
      .offset((ORGS * PER_ORG) / 2)
      .limit(1);
    const at = { s: `${sort}.${dir}`, k: mid!.k, id: mid!.id };
    const cursor = !middle ? {} : dir === "asc" && sort === "total" ? { before: at } : { after: at };
    statements.splice(0);
    const got = await listEntity(handle.db, owner, INV, { ...q, ...cursor }, NOW);
    expect(got.rows.length).toBe(SIZE);
    const list = statements.filter((s) => /from "invoices"/.test(s.query) && /order by/i.test(s.query));
    expect(list.length).toBe(1); // one round trip for the page's rows
    const plan = await explain(list[0]!.query, list[0]!.params);
    const read = rowsRead(plan, "invoices");
    // Each organisation's index scan stops after a page and one (and the rest of a tie, where the
    // index has no id column to order it: invoices by total); a query over all of them reads them all.
    expect(read, outline(plan)).toBeLessThanOrEqual(2 * ORGS * (SIZE + 1));
  });
});
