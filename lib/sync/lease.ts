/**
 * One sync per tenant at a time, across processes: a lease on the tenant row.
 *
 * - acquire: one conditional UPDATE … WHERE the lease is free or expired, compared with the
 *   database's clock (never two machines' clocks). It runs in the transaction that creates the
 *   sync's xero_sessions row and records its id on the tenant, so anyone who loses the race reads
 *   the winner's session id and can follow its progress.
 * - renew: the engine renews inside every page transaction (a fence: a holder whose lease was
 *   taken over cannot commit another page) and a timer renews during long waits.
 * - release: in `finally`, only if we still own it. A SIGKILLed holder never releases; its lease
 *   expires after the TTL and the next sync takes over, marking the dead run's session interrupted.
 * - follow-up: a request that finds the lease held can ask for another sync after it
 *   (`requestFollowUpSync`, for webhooks: the running sync may already have walked past the
 *   change). The flag lives on the tenant row, so it works across processes; acquiring clears it
 *   and releasing reports it. A webhook sync made due by the debounce (lib/sync/webhook-syncs.ts)
 *   is cleared the same way, by a sync of every entity.
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
  options: { ttlMs?: number; owner?: string; coversAnnounced?: boolean } = {},
): Promise<AcquireResult> {
  const ttlMs = options.ttlMs ?? DEFAULT_LEASE_TTL_MS;
  const owner = options.owner ?? `${process.pid}:${randomUUID()}`;
  return db.transaction(async (tx) => {
    const [taken] = await tx
      .update(xeroTenants)
      // A sync of every entity Xero announces covers what webhooks announced before it: no webhook sync is due.
      .set({ syncLockOwner: owner, syncLockExpiresAt: expiry(ttlMs), syncRequestedAt: null, ...(options.coversAnnounced ? { webhookSyncDueAt: null } : {}) })
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

/**
 * Gives the lease up; says whether another sync was asked for while we held it (then the caller
 * should start one, or the next scheduled sync will pick the change up).
 */
export async function releaseSyncLease(db: Db, lease: Lease): Promise<{ followUpRequested: boolean }> {
  const [row] = await db
    .update(xeroTenants)
    .set({ syncLockOwner: null, syncLockExpiresAt: null })
    .where(and(eq(xeroTenants.id, lease.tenantId), eq(xeroTenants.syncLockOwner, lease.owner)))
    .returning({ requestedAt: xeroTenants.syncRequestedAt });
  return { followUpRequested: Boolean(row?.requestedAt) };
}

/**
 * Asks the sync holding the tenant's lease for another sync when it ends. False when no sync
 * holds it (it ended in the meantime): then the caller can simply start one.
 */
export async function requestFollowUpSync(db: Db, tenantId: string): Promise<boolean> {
  const rows = await db
    .update(xeroTenants)
    .set({ syncRequestedAt: sql`now()` })
    .where(and(eq(xeroTenants.id, tenantId), sql`${xeroTenants.syncLockOwner} is not null and ${xeroTenants.syncLockExpiresAt} >= now()`))
    .returning({ id: xeroTenants.id });
  return rows.length > 0;
}
