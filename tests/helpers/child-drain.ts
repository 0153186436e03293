/**
 * A server-like process for the shutdown test (sync-shutdown.postgres.test.ts): it installs the
 * server's SIGTERM / SIGINT handler (drainOnSignals, as instrumentation.ts does under npm start),
 * starts a background sync the way Sync now does, and prints "STARTED <status>"; when the signal
 * arrives it prints "SIGTERM" and the handler drains the syncs and exits. Environment:
 * DATABASE_URL (PostgreSQL) and the XERO_* / TOKEN_ENCRYPTION_KEY of the parent.
 * Arguments: <userId> <tenantId> <graceMs>.
 */
import { openDatabase } from "@/lib/db/client";
import { requestSync } from "@/lib/sync";
import { drainOnSignals } from "@/lib/sync/background";

const [userId, tenantId, grace] = process.argv.slice(2);
const handle = await openDatabase({ url: process.env.DATABASE_URL, migrate: false, max: 4 });
drainOnSignals(Number(grace), () => {});
// After the drain's own listener: by the time this line is read the drain has begun.
process.on("SIGTERM", () => process.stdout.write("SIGTERM\n"));
const result = await requestSync(handle.db, { userId: userId!, tenantId: tenantId! });
process.stdout.write(`STARTED ${result.status}\n`);
// Stay up like a server until the handler exits the process.
setInterval(() => {}, 60_000);
