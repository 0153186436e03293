/**
 * A sync in its own process, for the tests that SIGKILL one mid-sync (sync-crash.postgres.test.ts,
 * the chaos run). Environment: DATABASE_URL (PostgreSQL) and the XERO_* / TOKEN_ENCRYPTION_KEY of
 * the parent. Arguments: <tenantId> <leaseTtlMs> [options as JSON: pageSize, full, callOptions,
 * killAfterPage]. Prints "PAGE <n>" after each committed page and "DONE <result as JSON>" at the
 * end. With killAfterPage = k it SIGKILLs itself right after the k-th committed page (counted
 * over all entities), so where it dies depends on the sync's progress, not on timing.
 */
import { openDatabase } from "@/lib/db/client";
import { syncTenant, type SyncTenantOptions } from "@/lib/sync";

export interface ChildSyncOptions {
  pageSize?: number;
  full?: boolean;
  callOptions?: SyncTenantOptions["callOptions"];
  killAfterPage?: number;
}

const [tenantId, ttl, json] = process.argv.slice(2);
const options = (json ? JSON.parse(json) : {}) as ChildSyncOptions;
const handle = await openDatabase({ url: process.env.DATABASE_URL, migrate: false, max: 2 });
let pages = 0;
const result = await syncTenant(handle.db, {
  tenantId: tenantId!,
  trigger: "cli",
  leaseTtlMs: Number(ttl),
  pageSize: options.pageSize,
  full: options.full,
  callOptions: options.callOptions,
  onProgress: () => {
    process.stdout.write(`PAGE ${++pages}\n`);
    if (pages === options.killAfterPage) process.kill(process.pid, "SIGKILL");
  },
});
process.stdout.write(`DONE ${JSON.stringify({ status: result.status, error: "error" in result ? result.error : undefined })}\n`);
await handle.close();
