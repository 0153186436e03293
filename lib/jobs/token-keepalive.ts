/**
 * Xero refresh tokens die after 60 days unused: an organisation synced only by webhooks that never
 * fire, or a connection whose syncs are all skipped, would need a reconnect one day. The hourly
 * upkeep refreshes every active connection whose refresh token is older than KEEPALIVE_AFTER_DAYS,
 * through the token store (row lock, rotation stored in the same transaction), so a refresh
 * token is never older than half its life.
 */
import { and, eq, isNotNull, lt } from "drizzle-orm";
import type { Db } from "@/lib/db";
import { xeroConnections } from "@/lib/db/schema";
import { logServerError } from "@/lib/log";
import { getValidAccessToken } from "@/lib/xero/token-store";

export const KEEPALIVE_AFTER_DAYS = 30;

/** Refreshes idle connections; returns how many were refreshed and how many failed (logged). */
export async function keepIdleTokensAlive(db: Db, now = new Date()): Promise<{ refreshed: number; failed: number }> {
  const before = new Date(now.getTime() - KEEPALIVE_AFTER_DAYS * 86_400_000);
  const idle = await db
    .select({ id: xeroConnections.id })
    .from(xeroConnections)
    .where(and(eq(xeroConnections.status, "active"), isNotNull(xeroConnections.refreshTokenIssuedAt), lt(xeroConnections.refreshTokenIssuedAt, before)));
  let refreshed = 0;
  let failed = 0;
  for (const c of idle) {
    try {
      // invalid_grant marks the connection needing a reconnect inside the token store.
      await getValidAccessToken(db, c.id, { forceRefresh: true });
      refreshed++;
    } catch (error) {
      failed++;
      logServerError(`token keep-alive ${c.id}`, error);
    }
  }
  return { refreshed, failed };
}
