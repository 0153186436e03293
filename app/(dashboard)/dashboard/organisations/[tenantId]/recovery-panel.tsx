import Link from "next/link";
import { getDb } from "@/lib/db";
import { entity as entityNamed } from "@/lib/entities/registry";
import type { TenantSyncStatus } from "@/lib/overview/sync-status";
import { listEntityRecoveries, type EntityRecoveryStatus } from "@/lib/sync/recovery";
import { requireDashboardUser } from "../../../_components/user";
import { formatInt } from "../../../_components/format";
import { RelativeTime } from "../../../_components/time";
import { RecoveryControls } from "./recovery-controls";

const KIND_LABELS = { resync: "Re-sync from a date", full: "Full refresh", clear: "Clear and re-sync" } as const;

/**
 * The organisation page's recovery section: per entity, re-sync from a date, full refresh, and
 * clear and re-sync (after a confirmation naming the count), each starting the entity's sync at
 * once; what is queued or running, and the last one done with a link to Sync history.
 */
export async function RecoveryPanel({ org, now }: { org: TenantSyncStatus; now: Date }) {
  const user = await requireDashboardUser(`/dashboard/organisations/${org.id}`);
  const recoveries = await listEntityRecoveries(await getDb(), user, org.id);
  const records = new Map(org.entities.map((e) => [e.entity, e.records]));
  const blocked = org.needsReconnect ? "Reconnect this organisation to Xero first: recovery needs its grant." : org.status === "disconnected" ? "This organisation is disconnected." : null;
  const today = now.toISOString().slice(0, 10);
  const monthAgo = new Date(now.getTime() - 30 * 86_400_000).toISOString().slice(0, 10);
  return (
    <section aria-labelledby="recovery" className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <h2 id="recovery" className="text-base font-semibold text-ink">
        Recovery
      </h2>
      <p className="mt-1 max-w-3xl text-sm text-slate-600">
        When the mirror of an entity looks wrong. <strong>Re-sync from a date</strong> walks again from that day (UTC) and rewrites rows that differ from Xero,
        keeping the rest; <strong>full refresh</strong> walks everything and also finds records Xero deleted outright; <strong>clear and re-sync</strong> deletes the
        entity&apos;s rows here and fetches them again. Each costs Xero calls (about one per 1,000 records walked) and starts at once.
      </p>
      {blocked ? (
        <p role="status" className="mt-3 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          {blocked}
        </p>
      ) : null}
      <ul className="mt-4 divide-y divide-slate-100">
        {recoveries.map((r) => {
          const def = entityNamed(r.entity);
          const held = records.get(r.entity) ?? 0;
          return (
            <li key={r.entity} className="grid gap-2 py-3 lg:grid-cols-[14rem_1fr]" data-testid={`recovery-${r.entity}`}>
              <div>
                <p className="font-medium text-ink">{def.label}</p>
                <p className="text-sm tabular-nums text-slate-600">{formatInt(held)} held</p>
                <RecoveryState status={r} org={org} now={now} />
              </div>
              <RecoveryControls
                tenantId={org.id}
                orgName={org.name}
                entity={r.entity}
                label={def.label}
                held={held}
                kinds={r.kinds}
                disabledReason={blocked}
                today={today}
                defaultFrom={monthAgo}
              />
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function RecoveryState({ status, org, now }: { status: EntityRecoveryStatus; org: TenantSyncStatus; now: Date }) {
  const history = `/history?org=${org.id}&kind=sync`;
  const { pending, last } = status;
  if (pending) {
    const running = pending.started && org.running?.sessionId === pending.started.sessionId;
    const text = running ? "running now" : pending.started ? "started; the next sync continues it" : "queued for the next sync";
    return (
      <p role="status" className="mt-1 text-sm text-brand-700">
        {KIND_LABELS[pending.kind]}: {text}.{" "}
        <Link href={history} className="underline">
          Sync history
        </Link>
      </p>
    );
  }
  if (!last) return null;
  const what = [
    last.detail.deleted !== undefined ? `${formatInt(last.detail.deleted)} deleted` : null,
    `${formatInt(last.fetched)} fetched`,
    `${formatInt(last.inserted)} new`,
    `${formatInt(last.updated)} rewritten`,
  ].filter(Boolean);
  return (
    <p className="mt-1 text-sm text-slate-600">
      Last: {KIND_LABELS[last.detail.kind]}
      {last.detail.from ? ` from ${last.detail.from.slice(0, 10)}` : ""}, {last.outcome === "success" ? "done" : last.outcome}
      {last.finishedAt ? (
        <>
          {" "}
          <RelativeTime date={last.finishedAt} now={now} />
        </>
      ) : null}
      : {what.join(", ")}.{" "}
      <Link href={history} className="text-brand-700 underline">
        Sync history
      </Link>
    </p>
  );
}
