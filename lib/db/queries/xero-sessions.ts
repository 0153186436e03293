import { and, desc, eq, sql } from "drizzle-orm";
import type { Db } from "../client";
import { xeroSessions, type NewXeroSession, type XeroSession, type XeroSessionOutcome } from "../schema";

/**
 * The xero_sessions log: one row per interaction with Xero. Writers call startXeroSession, then
 * add progress and finish it; nothing secret may go into `error` or `detail` (callers pass Xero's
 * error type and message, never tokens or request headers).
 */

export type StartXeroSession = Pick<NewXeroSession, "userId" | "connectionId" | "tenantId" | "kind" | "entity" | "trigger" | "detail">;

export async function startXeroSession(db: Db, values: StartXeroSession): Promise<XeroSession> {
  const [row] = await db
    .insert(xeroSessions)
    .values({ ...values, outcome: "running", heartbeatAt: new Date() })
    .returning();
  return row!;
}

export interface XeroSessionProgress {
  apiCalls?: number;
  pages?: number;
  recordsFetched?: number;
  recordsInserted?: number;
  recordsUpdated?: number;
  recordsUnchanged?: number;
  rateLimitWaits?: number;
  rateLimitWaitMs?: number;
  retries?: number;
}

const COUNTERS = [
  "apiCalls",
  "pages",
  "recordsFetched",
  "recordsInserted",
  "recordsUpdated",
  "recordsUnchanged",
  "rateLimitWaits",
  "rateLimitWaitMs",
  "retries",
] as const;

/** Adds the given increments to a running session's counters and beats its heartbeat. */
export async function addXeroSessionProgress(db: Db, id: string, delta: XeroSessionProgress): Promise<void> {
  const set: Record<string, unknown> = { heartbeatAt: new Date() };
  for (const key of COUNTERS) {
    const n = delta[key];
    if (n) set[key] = sql`${xeroSessions[key]} + ${n}`;
  }
  await db.update(xeroSessions).set(set).where(eq(xeroSessions.id, id));
}

export async function finishXeroSession(
  db: Db,
  id: string,
  outcome: Exclude<XeroSessionOutcome, "running">,
  extra: { error?: string | null; detail?: Record<string, unknown>; progress?: XeroSessionProgress } = {},
): Promise<void> {
  const set: Record<string, unknown> = { outcome, finishedAt: new Date(), heartbeatAt: new Date() };
  if (extra.error !== undefined) set.error = extra.error;
  if (extra.detail !== undefined) set.detail = sql`coalesce(${xeroSessions.detail}, '{}'::jsonb) || ${JSON.stringify(extra.detail)}::jsonb`;
  for (const key of COUNTERS) {
    const n = extra.progress?.[key];
    if (n) set[key] = sql`${xeroSessions[key]} + ${n}`;
  }
  await db.update(xeroSessions).set(set).where(eq(xeroSessions.id, id));
}

/** Records an interaction that has already happened (authorize, callback, disconnect…) in one row. */
export async function logXeroSession(
  db: Db,
  values: StartXeroSession & { outcome: Exclude<XeroSessionOutcome, "running">; error?: string | null; startedAt?: Date },
): Promise<XeroSession> {
  const now = new Date();
  const [row] = await db
    .insert(xeroSessions)
    .values({ ...values, startedAt: values.startedAt ?? now, finishedAt: now, heartbeatAt: now })
    .returning();
  return row!;
}

export async function getXeroSessionById(db: Db, userId: string, id: string): Promise<XeroSession | undefined> {
  const [row] = await db
    .select()
    .from(xeroSessions)
    .where(and(eq(xeroSessions.id, id), eq(xeroSessions.userId, userId)));
  return row;
}

export async function listXeroSessionsByUser(db: Db, userId: string, limit = 50): Promise<XeroSession[]> {
  return db.select().from(xeroSessions).where(eq(xeroSessions.userId, userId)).orderBy(desc(xeroSessions.startedAt)).limit(limit);
}
