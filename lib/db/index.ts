import path from "node:path";
import { getEnv } from "@/lib/env";
import { openDatabase, type DatabaseHandle, type Db } from "./client";

export type { Db, DatabaseHandle, DatabaseKind } from "./client";
export { DatabaseUnavailableError, databaseKindOf, openDatabase, pingDatabase, queryRows } from "./client";

/** PGlite's data directory for this process's environment. */
export function pgliteDataDir(): string {
  return path.resolve(getEnv().DATA_DIR, "pglite");
}

// One handle per process, kept on globalThis so that Next's module duplication across route
// bundles (and dev-mode reloads) cannot open PGlite twice.
const globalForDb = globalThis as unknown as { __xeroSyncDb?: Promise<DatabaseHandle> };

/** The process's database handle: opened and migrated on first use from DATABASE_URL / DATA_DIR. */
export function getDatabase(): Promise<DatabaseHandle> {
  globalForDb.__xeroSyncDb ??= (async () => {
    const env = getEnv();
    return openDatabase({ url: env.DATABASE_URL, dataDir: pgliteDataDir() });
  })().catch((error: unknown) => {
    globalForDb.__xeroSyncDb = undefined; // let a later request try again
    throw error;
  });
  return globalForDb.__xeroSyncDb;
}

/** Shorthand for `(await getDatabase()).db`. */
export async function getDb(): Promise<Db> {
  return (await getDatabase()).db;
}

/** Closes the process's handle (CLIs, tests). */
export async function closeDatabase(): Promise<void> {
  const pending = globalForDb.__xeroSyncDb;
  globalForDb.__xeroSyncDb = undefined;
  if (pending) await (await pending).close();
}
