import { mkdirSync } from "node:fs";
import path from "node:path";
import { sql, type ExtractTablesWithRelations, type SQL } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { redactUrl } from "@/lib/env";
import * as schema from "./schema";

export type Schema = typeof schema;

/**
 * The one database type of the project: a Drizzle PostgreSQL database over PGlite or postgres.js,
 * or a transaction of one (PgTransaction extends PgDatabase), so every query function takes `Db`
 * first and callers may pass a transaction.
 */
export type Db = PgDatabase<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;

export type DatabaseKind = "pglite" | "postgres";

export interface DatabaseHandle {
  db: Db;
  kind: DatabaseKind;
  /** Where the data lives, safe to print (no password). */
  location: string;
  close(): Promise<void>;
}

/** The database could not be opened: one clear line for people, the cause kept for logs. */
export class DatabaseUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "DatabaseUnavailableError";
  }
}

// On globalThis for the same reason as the handle itself (lib/db/index.ts): Next may load this
// module once per route bundle, and every copy must know every handle.
const globalForKinds = globalThis as unknown as { __xeroSyncDbKinds?: WeakMap<object, DatabaseKind> };
const kinds = (globalForKinds.__xeroSyncDbKinds ??= new WeakMap());

/**
 * Which database a handle's `db` talks to; undefined for a transaction. For the few places whose
 * locking differs: a PGlite transaction is exclusive (every other query waits for it).
 */
export function databaseKindOf(db: Db): DatabaseKind | undefined {
  return kinds.get(db);
}

export const MIGRATIONS_FOLDER = path.join(process.cwd(), "drizzle");

export interface OpenDatabaseOptions {
  /** postgres:// URL; when absent, PGlite on disk under dataDir (or in memory with "memory://"). */
  url?: string;
  /** PGlite data directory; default ./.data/pglite. */
  dataDir?: string;
  /** Apply the migrations in drizzle/ before returning (default true). */
  migrate?: boolean;
  /** postgres.js pool size (default 10). */
  max?: number;
}

/** Opens PostgreSQL (url given) or PGlite, checks it answers, and applies the migrations. */
export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<DatabaseHandle> {
  const handle = options.url ? await openPostgres(options.url, options.max ?? 10) : await openPglite(options.dataDir);
  if (options.migrate ?? true) {
    try {
      await migrateDatabase(handle, options.url);
    } catch (error) {
      await handle.close().catch(() => {});
      throw new DatabaseUnavailableError(`Could not apply the database migrations to ${handle.location}: ${describeError(error)}`, {
        cause: error,
      });
    }
  }
  return handle;
}

async function openPostgres(url: string, max: number): Promise<DatabaseHandle> {
  const { default: postgres } = await import("postgres");
  const { drizzle } = await import("drizzle-orm/postgres-js");
  const location = redactUrl(url);
  let client;
  try {
    client = postgres(url, {
      max,
      connect_timeout: 10,
      idle_timeout: 30,
      onnotice: () => {},
      // A prepared statement first planned on an empty table can keep a bad generic plan
      // (SETUP.md measured 22 s instead of 0.8 s); plan each execution for its parameters.
      connection: { plan_cache_mode: "force_custom_plan", application_name: "xero-sync" },
    });
    await client`select 1`;
  } catch (error) {
    await client?.end({ timeout: 1 }).catch(() => {});
    throw new DatabaseUnavailableError(`Cannot connect to PostgreSQL at ${location}: ${describeError(error)}`, { cause: error });
  }
  const db = drizzle({ client, schema }) as unknown as Db;
  kinds.set(db, "postgres");
  return { db, kind: "postgres", location, close: () => client.end({ timeout: 5 }) };
}

async function openPglite(dataDir = path.join(process.cwd(), ".data", "pglite")): Promise<DatabaseHandle> {
  const { PGlite } = await import("@electric-sql/pglite");
  const { pg_trgm } = await import("@electric-sql/pglite/contrib/pg_trgm");
  const { drizzle } = await import("drizzle-orm/pglite");
  const inMemory = dataDir.startsWith("memory://");
  const location = inMemory ? "PGlite (in memory)" : `PGlite at ${path.relative(process.cwd(), dataDir) || dataDir}`;
  let client;
  try {
    if (!inMemory) mkdirSync(dataDir, { recursive: true });
    client = await PGlite.create(dataDir, { extensions: { pg_trgm } });
    await client.query("select 1");
  } catch (error) {
    await client?.close().catch(() => {});
    throw new DatabaseUnavailableError(
      `Cannot open ${location}: ${describeError(error)} (is another process using it? PGlite allows one process per data directory)`,
      { cause: error },
    );
  }
  const db = drizzle({ client, schema }) as unknown as Db;
  kinds.set(db, "pglite");
  return { db, kind: "pglite", location, close: () => client.close() };
}

/**
 * Applies drizzle/ migrations with Drizzle's own migrator, the same on both databases. On
 * PostgreSQL several processes may start at once (app, workers): an advisory lock on a single
 * dedicated connection serialises them.
 */
async function migrateDatabase(handle: DatabaseHandle, url: string | undefined): Promise<void> {
  if (handle.kind === "pglite") {
    const { migrate } = await import("drizzle-orm/pglite/migrator");
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the migrator wants the concrete PGlite type
    await migrate(handle.db as any, { migrationsFolder: MIGRATIONS_FOLDER });
    await backfill(handle.db);
    return;
  }
  const { default: postgres } = await import("postgres");
  const { drizzle } = await import("drizzle-orm/postgres-js");
  const { migrate } = await import("drizzle-orm/postgres-js/migrator");
  const single = postgres(url!, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    await single`select pg_advisory_lock(7316402951)`;
    await migrate(drizzle({ client: single }), { migrationsFolder: MIGRATIONS_FOLDER });
    await backfill(handle.db);
    await single`select pg_advisory_unlock(7316402951)`;
  } finally {
    await single.end({ timeout: 5 });
  }
}

/**
 * Summaries of rows stored before the summaries existed (lib/entities/summaries.ts), once per
 * organisation and entity; imported here so that the client does not depend on the entities.
 */
async function backfill(db: Db): Promise<void> {
  const { backfillSummaries } = await import("@/lib/entities/summaries");
  await backfillSummaries(db);
}

/** A short, secret-free description of a connection or query error. */
export function describeError(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length) return describeError(error.errors[0]);
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const msg = error.message.split("\n")[0] ?? "";
    return typeof code === "string" && !msg.includes(code) ? `${code} ${msg}`.trim() : msg || String(code ?? error.name);
  }
  return String(error);
}

/**
 * Runs raw SQL and returns its rows on either driver: postgres.js resolves `execute` to an array
 * of rows, PGlite to `{ rows }`.
 */
export async function queryRows<T extends Record<string, unknown>>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as T[] | { rows: T[] };
  return Array.isArray(result) ? result : result.rows;
}

/** One round trip to the database (the health check): throws when it cannot answer. */
export async function pingDatabase(db: Db): Promise<void> {
  await db.execute(sql`select 1`);
}
