/**
 * A second process for the concurrent-refresh test: opens its own pool to the test database
 * (DATABASE_URL), prints "ready", waits for a line on stdin, then asks the token store for a
 * token of CONNECTION_ID and prints {"accessToken": …} (or {"error": …}). The Xero call is
 * delayed by REFRESH_DELAY_MS so that both processes are inside getValidAccessToken at once.
 */
import { createInterface } from "node:readline";
import { openDatabase } from "@/lib/db/client";
import { refreshTokenGrant } from "@/lib/xero/identity";
import { getValidAccessToken } from "@/lib/xero/token-store";

const delay = Number(process.env.REFRESH_DELAY_MS ?? 300);
const handle = await openDatabase({ url: process.env.DATABASE_URL!, migrate: false, max: 2 });
const rl = createInterface({ input: process.stdin });
process.stdout.write("ready\n");
await new Promise<void>((resolve) => rl.once("line", () => resolve()));
try {
  const { accessToken } = await getValidAccessToken(handle.db, process.env.CONNECTION_ID!, {
    forceRefresh: process.env.FORCE === "1",
    grants: {
      refresh: async (rt) => {
        await new Promise((r) => setTimeout(r, delay));
        return refreshTokenGrant(rt);
      },
      clientCredentials: () => Promise.reject(new Error("not used")),
    },
  });
  process.stdout.write(`${JSON.stringify({ accessToken })}\n`);
} catch (error) {
  process.stdout.write(`${JSON.stringify({ error: error instanceof Error ? error.name : String(error) })}\n`);
} finally {
  rl.close();
  await handle.close();
}
