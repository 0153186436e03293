import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { openDatabase, type DatabaseHandle } from "@/lib/db/client";

/**
 * Tests own their data: each test file gets its own freshly migrated database.
 * - TEST_DB=pglite (default): an in-memory PGlite;
 * - TEST_DB=postgres: a new database `xs_test_<random>` on the server of TEST_DATABASE_URL,
 *   created from the real drizzle/ migrations and dropped when the file is done.
 * tests/run.ts runs the integration project once with each, so every repository and service test
 * runs on both databases.
 */
export type TestDbKind = "pglite" | "postgres";

export function testDbKind(): TestDbKind {
  const kind = process.env.TEST_DB ?? "pglite";
  if (kind !== "pglite" && kind !== "postgres") throw new Error(`TEST_DB must be pglite or postgres, got ${kind}`);
  return kind;
}

export interface TestDatabase extends DatabaseHandle {
  /** postgres:// URL of this test database (PostgreSQL only), e.g. for a second process. */
  url?: string;
  /** Delete every row of every application table (keeps the schema). */
  truncate(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  if (testDbKind() === "pglite") {
    const handle = await openDatabase({ dataDir: "memory://" });
    return { ...handle, truncate: () => truncateAll(handle) };
  }
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) throw new Error("TEST_DB=postgres needs TEST_DATABASE_URL (tests/run.ts starts a throwaway server and sets it)");
  const name = `xs_test_${randomBytes(6).toString("hex")}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ url: url.toString(), max: 5 });
  return {
    ...handle,
    url: url.toString(),
    truncate: () => truncateAll(handle),
    async close() {
      await handle.close();
      const dropper = postgres(adminUrl, { max: 1, onnotice: () => {} });
      await dropper.unsafe(`drop database if exists ${name} with (force)`);
      await dropper.end();
    },
  };
}

async function truncateAll(handle: DatabaseHandle): Promise<void> {
  const { sql } = await import("drizzle-orm");
  // A sync's alert evaluation runs just after it returns: let the previous test's finish first, or
  // its reads and the truncate's locks can deadlock.
  await (await import("@/lib/alerts/hook")).alertsAfterSyncSettled();
  await handle.db.execute(
    sql.raw(
      "truncate table encryption_canaries, xero_limit_calls, xero_limit_scopes, invoices, contacts, sync_cursors, xero_sessions, xero_session_summaries, xero_webhook_deliveries, xero_auth_requests, xero_tenants, xero_connections, sessions, accounts, verification_tokens, users cascade",
    ),
  );
}
