import { and, asc, eq, sql } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import { z } from "zod";
import type { Db } from "@/lib/db";
import { UUID_RE } from "@/lib/lists/keyset";
import { scopeTenantIds, type Reader } from "@/lib/lists/tenant-scope";
import type { RawSearchParams } from "@/lib/lists/search-params";
import { todayUtc } from "@/lib/lists/today";
import type { EntityDefinition } from "./definition";
import { selection, toRow, withExtras, type EntityRow } from "./read-model";
import { columnOf, entityParamNames } from "./read-model-params";

/**
 * The change feed of an entity: every write of the user's rows since a cursor (inserted, updated,
 * flagged or unflagged deleted in Xero, cancelled: any write), in commit order, a page at a time,
 * so a program can keep a copy up to date without reading everything again.
 *
 * Why not a timestamp or a plain sequence: a writing transaction numbers its rows when it writes
 * them, not when it commits. If A takes 5 and B takes 6 and commits first, a reader that saw 6
 * and moved its cursor there never sees 5. So every row carries the id of the transaction that
 * wrote it last (change_txid, xid8) and a sequence number (change_seq), the feed reads
 * (change_txid, change_seq) > cursor in that order, and only rows of transactions below the
 * oldest one still running (pg_snapshot_xmin of the current snapshot): every transaction below
 * it has ended, so no row can appear behind a cursor taken from what was read. A long-running
 * transaction anywhere on the server delays the feed (its rows and later ones wait) but never
 * makes it skip. A row written again moves to the end: the feed holds each row once, in its
 * newest state, and a consumer that applies records by id converges on the mirror.
 */

/** A position in the feed: after the write of transaction `txid`, sequence number `seq`. */
export interface ChangeCursor {
  txid: string;
  seq: string;
}

export interface ChangeFeedQuery {
  tenant?: string;
  since: ChangeCursor;
  limit: number;
}

export interface ChangePage {
  rows: EntityRow[];
  /** Where the next request starts: the last row's position, or the given cursor when nothing is new. */
  next: string;
  /** More changes are ready now (ask again at once); false: poll later. */
  hasMore: boolean;
}

const START: ChangeCursor = { txid: "0", seq: "0" };
const MAX_XID8 = 2n ** 64n - 1n;
const MAX_BIGINT = 2n ** 63n - 1n;

/** "0" (the beginning) or "<txid>.<seq>" as a page's `changes.next` gave it. */
export function encodeChangeCursor(c: ChangeCursor): string {
  return c.txid === "0" && c.seq === "0" ? "0" : `${c.txid}.${c.seq}`;
}

export function decodeChangeCursor(text: string): ChangeCursor | null {
  if (text === "0") return START;
  const m = /^(0|[1-9]\d{0,19})\.(0|[1-9]\d{0,18})$/.exec(text);
  if (!m || BigInt(m[1]!) > MAX_XID8 || BigInt(m[2]!) > MAX_BIGINT) return null;
  return { txid: m[1]!, seq: m[2]! };
}

export const CHANGE_FEED_PARAM = "changed_since";
const FEED_PARAMS = new Set([CHANGE_FEED_PARAM, "org", "limit"]);

const one = (v: unknown) => (Array.isArray(v) ? v[0] : v);

const uuid = z
  .string()
  .transform((s) => s.toLowerCase())
  .pipe(z.string().regex(UUID_RE, "must be an organisation id (a UUID)"));

const limit = z
  .string()
  .regex(/^\d{1,4}$/, "must be a whole number from 1 to 1000")
  .transform(Number)
  .refine((n) => n >= 1 && n <= 1000, "must be a whole number from 1 to 1000");

const schemas = new WeakMap<EntityDefinition, z.ZodType<ChangeFeedQuery, RawSearchParams>>();

/**
 * The feed's query (changed_since, org, limit 1–1000, default 100) as one zod schema per entity:
 * a malformed cursor, a list parameter the feed does not combine with (sort, after, a filter …)
 * or an unknown one is an issue at that parameter, so the API answers 400 naming it.
 */
export function changeFeedQuerySchema(def: EntityDefinition): z.ZodType<ChangeFeedQuery, RawSearchParams> {
  const cached = schemas.get(def);
  if (cached) return cached;
  const listParams = new Set(entityParamNames(def, "api"));
  const schema = z
    .looseObject({
      [CHANGE_FEED_PARAM]: z.preprocess(one, z.string("must be a cursor: 0, or changes.next of an answer")),
      org: z.preprocess(one, uuid.optional()),
      limit: z.preprocess(one, limit.optional()),
    })
    .transform((o, ctx): ChangeFeedQuery => {
      for (const key of Object.keys(o)) {
        if (FEED_PARAMS.has(key)) continue;
        const message = listParams.has(key)
          ? `cannot be combined with ${CHANGE_FEED_PARAM} (the change feed takes org and limit)`
          : `is not a parameter of this list (the change feed takes ${[...FEED_PARAMS].join(", ")})`;
        ctx.addIssue({ code: "custom", path: [key], message });
      }
      const since = decodeChangeCursor(o[CHANGE_FEED_PARAM].trim());
      if (!since) ctx.addIssue({ code: "custom", path: [CHANGE_FEED_PARAM], message: "is not a cursor of the change feed (use 0, or changes.next of an answer)" });
      return { ...(o.org ? { tenant: o.org } : {}), since: since ?? START, limit: o.limit ?? 100 };
    });
  const typed = schema as unknown as z.ZodType<ChangeFeedQuery, RawSearchParams>;
  schemas.set(def, typed);
  return typed;
}

/** Parses the feed's query: a ZodError naming each bad parameter (the handler answers 400). */
export function parseChangeFeedQuery(def: EntityDefinition, raw: RawSearchParams): ChangeFeedQuery {
  return changeFeedQuerySchema(def).parse(raw);
}

function resultRows<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

/**
 * The oldest transaction still running anywhere on the server (or the next one to start): every
 * transaction below it has committed or aborted, so its rows are final. Read once per page and
 * used for every organisation, so all of the page's queries share one horizon.
 */
async function committedHorizon(db: Db): Promise<string> {
  const [row] = resultRows<{ xmin: string }>(await db.execute(sql`select pg_snapshot_xmin(pg_current_snapshot())::text as xmin`));
  if (!row) throw new Error("pg_current_snapshot() answered nothing");
  return row.xmin;
}


/**
 * One page of the change feed of `def` over the reader's organisations (or the one `q.tenant`
 * names): rows written after `q.since` by transactions that have ended, oldest write first.
 * One statement merges one scan per organisation of its (tenant_id, change_txid, change_seq)
 * index, each stopping after the page (a LATERAL subquery over the organisations, as the lists do:
 * read-model.ts mergedPages), then reads only the page's rows.
 */
export async function listEntityChanges(db: Db, reader: Reader, def: EntityDefinition, q: ChangeFeedQuery, now = new Date()): Promise<ChangePage> {
  const { ids } = await scopeTenantIds(db, reader, q.tenant);
  if (ids.length === 0) return { rows: [], next: encodeChangeCursor(q.since), hasMore: false };
  const horizon = await committedHorizon(db);
  const txid = columnOf(def, "changeTxid");
  const seq = columnOf(def, "changeSeq");
  const tenantCol: PgColumn = columnOf(def, "tenantId");
  const scopeTid = sql`${sql.identifier("scope")}.${sql.identifier("tid")}`;
  const x = db
    .select({ _t: sql`${tenantCol}`.as("_t"), _x: sql`${txid}`.as("_x"), _s: sql`${seq}`.as("_s") })
    .from(def.table)
    .where(and(sql`${tenantCol} = ${scopeTid}`, sql`(${txid}, ${seq}) > (${q.since.txid}::xid8, ${q.since.seq}::bigint)`, sql`${txid} < ${horizon}::xid8`))
    .orderBy(asc(txid), asc(seq))
    .limit(q.limit + 1)
    .as("x");
  // Validated UUIDs (scopeTenantIds), as one array literal: one parameter whatever their number.
  const keys = db
    .select({ _t: x._t, _x: x._x, _s: x._s })
    .from(sql`unnest(${`{${ids.join(",")}}`}::uuid[]) as ${sql.identifier("scope")}(${sql.identifier("tid")})`)
    .crossJoinLateral(x)
    .orderBy(sql`2`, sql`3`)
    .limit(q.limit + 1)
    .as("k");
  const sel = { ...selection(def, def.view.defaultSort, todayUtc(now)), _txid: sql<string>`${txid}::text`, _seq: sql<string>`${seq}::text` };
  const merged = (await db
    .select(sel)
    .from(def.table)
    .innerJoin(keys, and(eq(tenantCol, keys._t), sql`${txid} = ${keys._x}`, sql`${seq} = ${keys._s}`))
    .orderBy(asc(txid), asc(seq))) as unknown as Record<string, unknown>[];
  const at = (r: Record<string, unknown>): ChangeCursor => ({ txid: String(r._txid), seq: String(r._seq) });
  const page = merged.slice(0, q.limit);
  const last = page.at(-1);
  const rows = await withExtras(db, def, ids, page.map((r) => toRow(def, r)), now);
  return { rows, next: encodeChangeCursor(last ? at(last) : q.since), hasMore: merged.length > q.limit };
}
