/**
 * One sync per tenant at a time, across processes (DESIGN.md point 8): a lease on the tenant row.
 *
 * - acquire: one conditional UPDATE … WHERE the lease is free or expired, compared with the
 *   database's clock (never two machines' clocks). It runs in the transaction that creates the
 *   sync's xero_sessions row and records its id on the tenant, so anyone who loses the race reads
 *   the winner's session id and can follow its progress.
 * - renew: the engine renews inside every page transaction (a fence: a holder whose lease was
 *   taken over cannot commit another page) and a timer renews during long waits.
 * - release: in `finally`, only if we still own it. A SIGKILLed holder never releases; its lease
 *   expires after the TTL and the next sync takes over, marking the dead run's session interrupted.
 */
import { randomUUID } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/lib/db";
import { startXeroSession, type StartXeroSession } from "@/lib/db/queries/xero-sessions";
import { xeroSessions, xeroTenants, type XeroSession } from "@/lib/db/schema";

export const DEFAULT_LEASE_TTL_MS = 60_000;

export interface Lease {
  tenantId: string;
  owner: string;
  ttlMs: number;
  session: XeroSession;
}

export type AcquireResult = { acquired: true; lease: Lease } | { acquired: false; sessionId: string | null };

function expiry(ttlMs: number) {
  return sql`now() + ${`${Math.max(1, Math.round(ttlMs))} milliseconds`}::interval`;
}

/**
 * Takes the tenant's sync lease and starts its xero_sessions row atomically, or reports the
 * session of the sync that holds it.
 */
export async function acquireSyncLease(
  db: Db,
  tenantId: string,
  session: StartXeroSession,
  options: { ttlMs?: number; owner?: string } = {},
): Promise<AcquireResult> {
  const ttlMs = options.ttlMs ?? DEFAULT_LEASE_TTL_MS;
  const owner = options.owner ?? `${process.pid}:${randomUUID()}`;
  return db.transaction(async (tx) => {
    const [taken] = await tx
      .update(xeroTenants)
      .set({ syncLockOwner: owner, syncLockExpiresAt: expiry(ttlMs) })
      .where(
        and(
          eq(xeroTenants.id, tenantId),
          sql`(${xeroTenants.syncLockOwner} is null or ${xeroTenants.syncLockExpiresAt} is null or ${xeroTenants.syncLockExpiresAt} < now())`,
        ),
      )
      .returning({ previousSession: xeroTenants.syncSessionId });
    if (!taken) {
      const [holder] = await tx.select({ sessionId: xeroTenants.syncSessionId }).from(xeroTenants).where(eq(xeroTenants.id, tenantId));
      return { acquired: false as const, sessionId: holder?.sessionId ?? null };
    }
    // A previous holder that died (SIGKILL, crash) left its session "running": close it.
    if (taken.previousSession) {
      await tx
        .update(xeroSessions)
        .set({ outcome: "error", finishedAt: new Date(), error: "Interrupted: the process running this sync stopped (its lock expired)." })
        .where(and(eq(xeroSessions.id, taken.previousSession), eq(xeroSessions.outcome, "running")));
    }
    const row = await startXeroSession(tx, session);
    await tx.update(xeroTenants).set({ syncSessionId: row.id }).where(eq(xeroTenants.id, tenantId));
    return { acquired: true as const, lease: { tenantId, owner, ttlMs, session: row } };
  });
}

/** Extends the lease; false when it is no longer ours (expired and taken over). */
export async function renewSyncLease(db: Db, lease: Lease): Promise<boolean> {
  const rows = await db
    .update(xeroTenants)
    .set({ syncLockExpiresAt: expiry(lease.ttlMs) })
    .where(and(eq(xeroTenants.id, lease.tenantId), eq(xeroTenants.syncLockOwner, lease.owner)))
    .returning({ id: xeroTenants.id });
  return rows.length > 0;
}

export async function releaseSyncLease(db: Db, lease: Lease): Promise<void> {
  await db
    .update(xeroTenants)
    .set({ syncLockOwner: null, syncLockExpiresAt: null })
    .where(and(eq(xeroTenants.id, lease.tenantId), eq(xeroTenants.syncLockOwner, lease.owner)));
}
