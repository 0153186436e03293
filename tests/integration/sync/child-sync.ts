/**
 * A sync in its own process, for the crash test (sync-crash.test.ts): the parent SIGKILLs it
 * mid-sync. Environment: DATABASE_URL (PostgreSQL) and the XERO_* / TOKEN_ENCRYPTION_KEY of the
 * parent. Arguments: <tenantId> <leaseTtlMs>. Prints "PAGE <n>" after each committed page.
 */
import { openDatabase } from "@/lib/db/client";
import { syncTenant } from "@/lib/sync";

const [tenantId, ttl] = process.argv.slice(2);
const handle = await openDatabase({ url: process.env.DATABASE_URL, migrate: false, max: 2 });
let pages = 0;
const result = await syncTenant(handle.db, {
  tenantId: tenantId!,
  trigger: "cli",
  leaseTtlMs: Number(ttl),
  onProgress: () => process.stdout.write(`PAGE ${++pages}\n`),
});
process.stdout.write(`DONE ${result.status}\n`);
await handle.close();
