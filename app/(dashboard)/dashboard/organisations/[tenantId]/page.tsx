import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { z } from "zod";
import { requireDashboardUser } from "../../../_components/user";
import { getDb } from "@/lib/db";
import { getTenantSyncStatuses } from "@/lib/overview/sync-status";
import { RecoveryPanel } from "./recovery-panel";
import { SchedulePanel } from "./schedule-panel";
import { UsagePanel } from "./usage-panel";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Organisation" };

const Params = z.object({ tenantId: z.string().uuid() });

/**
 * One organisation's sync settings and health: its schedule and entities, what it spends of
 * Xero's plan, and the recovery actions. Another user's organisation (or a malformed id) is a 404.
 */
export default async function OrganisationPage({ params }: { params: Promise<{ tenantId: string }> }) {
  const parsed = Params.safeParse(await params);
  if (!parsed.success) notFound();
  const { tenantId } = parsed.data;
  const user = await requireDashboardUser(`/dashboard/organisations/${tenantId}`);
  const db = await getDb();
  const now = new Date();
  const [org] = await getTenantSyncStatuses(db, user, { tenantId, now });
  if (!org) notFound();
  return (
    <>
      <p className="mb-2 text-sm">
        <Link href="/dashboard" className="text-brand-700 hover:underline">
          ← Overview
        </Link>
      </p>
      <h1 className="mb-5 text-2xl font-semibold tracking-tight text-ink">{org.name}</h1>
      <div className="space-y-6">
        <SchedulePanel org={org} now={now} />
        <UsagePanel org={org} now={now} />
        <RecoveryPanel org={org} now={now} />
      </div>
    </>
  );
}
