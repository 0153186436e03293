import { logServerError } from "@/lib/log";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { purgeStaleAuthRequests } from "./connect-flow";
import { ensureCustomConnection } from "./custom-connection";

/**
 * What the server (or a worker) does about Xero connections when it starts. Never throws: a
 * failure is logged and retried on the next start, the app still serves pages.
 * - XERO_GRANT_TYPE=client_credentials: make sure the Custom Connection and its organisation exist
 *   (owned by XERO_CUSTOM_CONNECTION_OWNER, default custom-connection@xero-sync.local);
 * - forget Connect Xero attempts older than a day.
 *
 * Call from instrumentation.ts `register()` (Node runtime) or the worker's start-up:
 *   `await (await import("@/lib/xero/startup")).prepareXeroConnections();`
 */
export async function prepareXeroConnections(): Promise<void> {
  try {
    const db = await getDb();
    await purgeStaleAuthRequests(db);
    if (getEnv().XERO_GRANT_TYPE === "client_credentials") {
      const result = await ensureCustomConnection(db);
      if (result) {
        console.log(`[xero] Custom Connection ready: ${result.tenants.map((t) => t.name).join(", ") || "no organisation"}`);
      }
    }
  } catch (error) {
    logServerError("xero startup", error);
  }
}
