/**
 * Accounts: the mirror of one organisation against the simulator's truth, projected onto what the
 * sync must get right; `deleted` lists the ids Xero deleted outright (simulator) and those the
 * mirror flags deleted_in_xero_at. No vitest (see ../mirror-compare.ts).
 */
import { eq } from "drizzle-orm";
import type { Db } from "@/lib/db";
import { ledgerAccounts } from "@/lib/db/schema";
import { simControl, type SimEndpoint } from "../sim-control";

export interface AccountView {
  id: string;
  code: string | null;
  name: string;
  type: string | null;
  class: string | null;
  status: string;
  taxType: string | null;
  systemAccount: string | null;
  updatedDateUtc: string;
}

const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);

export async function accountViews(db: Db, sim: SimEndpoint, tenant: { id: string; xeroTenantId: string }) {
  const q = `/__sim/state?tenantId=${encodeURIComponent(tenant.xeroTenantId)}&entity=accounts`;
  const [live, gone, rows] = await Promise.all([
    simControl<(AccountView & { custom: boolean })[]>(sim, "GET", q),
    simControl<{ id: string }[]>(sim, "GET", `${q}&deleted=1`),
    db.select().from(ledgerAccounts).where(eq(ledgerAccounts.tenantId, tenant.id)),
  ]);
  return {
    want: live.map(({ custom: _custom, ...a }) => a).sort(byId),
    got: rows
      .filter((r) => r.deletedInXeroAt === null)
      .map((r) => ({ id: r.accountId, code: r.code, name: r.name, type: r.type, class: r.class, status: r.status, taxType: r.taxType, systemAccount: r.systemAccount, updatedDateUtc: r.xeroUpdatedAt.toISOString() }))
      .sort(byId),
    deleted: {
      want: gone.map((a) => a.id).sort(),
      got: rows.filter((r) => r.deletedInXeroAt !== null).map((r) => r.accountId).sort(),
    },
  };
}
