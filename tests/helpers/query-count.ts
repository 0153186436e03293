import type { Db, DatabaseHandle } from "@/lib/db/client";
import * as schema from "@/lib/db/schema";

/**
 * A second Drizzle handle over the same connection (PGlite or postgres.js) that counts the
 * statements it sends, for tests that hold a page to a fixed number of queries.
 */
export async function countingDb(handle: DatabaseHandle): Promise<{ db: Db; queries: string[]; reset(): void }> {
  const queries: string[] = [];
  const logger = { logQuery: (query: string) => void queries.push(query) };
  const client = (handle.db as unknown as { $client: unknown }).$client;
  let db: Db;
  if (handle.kind === "pglite") {
    const { drizzle } = await import("drizzle-orm/pglite");
    db = drizzle({ client: client as never, schema, logger }) as unknown as Db;
  } else {
    const { drizzle } = await import("drizzle-orm/postgres-js");
    db = drizzle({ client: client as never, schema, logger }) as unknown as Db;
  }
  return { db, queries, reset: () => void queries.splice(0) };
}
