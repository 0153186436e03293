import type { Metadata } from "next";
import Link from "next/link";
import { requireDashboardUser } from "../_components/user";
import { getDb } from "@/lib/db";
import { listHistory, parseHistoryQuery, SESSION_KINDS, type WebhookDeliveryInfo } from "@/lib/history/read-model";
import { getOlderActivity } from "@/lib/history/retention";
import type { RawSearchParams } from "@/lib/lists/search-params";
import { listUserTenants } from "@/lib/lists/tenant-scope";
import { OutcomeBadge } from "../_components/badges";
import { FilterForm, Select } from "../_components/filters";
import { formatDuration, formatInt } from "../_components/format";
import { EmptyState, Pager, Table, Td, Th } from "../_components/table";
import { RelativeTime } from "../_components/time";
import { flatParams } from "../_components/url";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Sync history" };

const PARAMS = ["org", "kind", "outcome", "size", "after", "before", "p"] as const;
const KIND_LABELS: Record<string, string> = {
  authorize: "Connect started",
  callback: "Connected",
  token_refresh: "Token refresh",
  sync: "Sync",
  webhook: "Webhook",
  disconnect: "Disconnect",
};

export default async function HistoryPage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  const user = await requireDashboardUser("/history");
  const raw = await searchParams;
  const query = parseHistoryQuery(raw);
  const params = flatParams(raw, PARAMS);
  const db = await getDb();
  const now = new Date();
  const [tenants, page, older] = await Promise.all([
    listUserTenants(db, user),
    listHistory(db, user, query, now),
    getOlderActivity(db, user.id, { tenant: query.tenant, kind: query.kind }),
  ]);
  const filtered = Boolean(query.tenant || query.kind || query.outcome);

  return (
    <>
      <div className="mb-4">
        <h1 className="text-2xl font-semibold tracking-tight text-ink">Sync history</h1>
        <p className="mt-1 text-sm text-slate-600">Every interaction with Xero: connects, token refreshes, webhook deliveries and syncs, with what each fetched and wrote.</p>
      </div>
      <FilterForm action="/history" resetHref="/history">
        <Select name="org" label="Organisation" value={query.tenant} options={[["", "All organisations"], ...tenants.map((t): [string, string] => [t.id, t.name])]} />
        <Select name="kind" label="Kind" value={query.kind} options={[["", "Any kind"], ...SESSION_KINDS.map((k): [string, string] => [k, KIND_LABELS[k] ?? k])]} />
        <Select
          name="outcome"
          label="Outcome"
          value={query.outcome}
          options={[
            ["", "Any outcome"],
            ["success", "Succeeded"],
            ["error", "Failed"],
            ["rate_limited", "Rate limited"],
            ["running", "Running"],
            ["interrupted", "Interrupted"],
            ["cancelled", "Cancelled"],
          ]}
        />
      </FilterForm>

      {page.rows.length === 0 ? (
        <EmptyState title={filtered ? "No runs match these filters" : "Nothing has happened yet"} action={filtered ? <Link href="/history" className="text-sm font-medium text-brand-700 hover:underline">Clear filters</Link> : undefined}>
          {filtered ? null : "Connect Xero from the overview; every connect and sync is logged here."}
        </EmptyState>
      ) : (
        <>
          <Table caption="Sync history">
            <thead>
              <tr>
                <Th>Started</Th>
                <Th>Organisation</Th>
                <Th>What</Th>
                <Th>Outcome</Th>
                <Th align="right">Duration</Th>
                <Th align="right">API calls</Th>
                <Th align="right">Fetched</Th>
                <Th align="right">New</Th>
                <Th align="right">Updated</Th>
                <Th align="right">Unchanged</Th>
                <Th align="right">Waits</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {page.rows.map((s) => {
                const end = s.finishedAt ?? (s.outcome === "running" ? (s.interrupted ? s.heartbeatAt : now) : null);
                return [
                  <tr key={s.id} className={`align-top hover:bg-slate-50 ${s.error ? "[&>td]:pb-1" : ""}`}>
                    <Td>
                      <RelativeTime date={s.startedAt} now={now} />
                    </Td>
                    <Td className="max-w-[12rem] truncate">{s.tenantName ?? <span className="text-slate-400">—</span>}</Td>
                    <Td>
                      <span className="font-medium text-ink">{KIND_LABELS[s.kind] ?? s.kind}</span>
                      {s.entity ? <span className="text-slate-600"> · {s.entity.split(",").join(" and ")}</span> : null}
                      {s.trigger ? <span className="block text-xs text-slate-500">{s.trigger}</span> : null}
                      {s.webhook ? <span className="block text-xs text-slate-600">{webhookNote(s.webhook)}</span> : null}
                    </Td>
                    <Td>
                      <OutcomeBadge outcome={s.interrupted ? "interrupted" : s.webhook?.delivery === "rejected" ? "refused" : s.outcome} />
                    </Td>
                    <Td align="right">{end ? formatDuration(end.getTime() - s.startedAt.getTime()) : "—"}</Td>
                    <Td align="right">
                      {formatInt(s.apiCalls)}
                      {s.retries ? <span className="block text-xs text-slate-500">{s.retries} retries</span> : null}
                    </Td>
                    <Td align="right">
                      {formatInt(s.recordsFetched)}
                      {s.pages ? <span className="block text-xs text-slate-500">{s.pages} pages</span> : null}
                    </Td>
                    <Td align="right">{formatInt(s.recordsInserted)}</Td>
                    <Td align="right">{formatInt(s.recordsUpdated)}</Td>
                    <Td align="right">{formatInt(s.recordsUnchanged)}</Td>
                    <Td align="right">
                      {s.rateLimitWaits ? (
                        <>
                          {s.rateLimitWaits}
                          <span className="block text-xs text-slate-500">{formatDuration(s.rateLimitWaitMs)}</span>
                        </>
                      ) : (
                        "0"
                      )}
                    </Td>
                  </tr>,
                  s.error ? (
                    <tr key={`${s.id}-error`} className="border-t-0">
                      <td colSpan={11} className="px-3 pb-2.5 pt-0 text-xs text-red-800">
                        <span className="font-semibold">Error: </span>
                        {s.error}
                      </td>
                    </tr>
                  ) : null,
                ];
              })}
            </tbody>
          </Table>
          <Pager base="/history" params={params} page={query.page} next={page.next} prev={page.prev} shown={page.rows.length} size={query.size} noun="runs on this page" />
        </>
      )}
      {older.length ? (
        <section className="mt-8">
          <h2 className="text-lg font-semibold text-ink">Older activity</h2>
          <p className="mt-1 mb-3 text-sm text-slate-600">Runs past the log&apos;s retention period, kept as daily totals.</p>
          <Table caption="Older activity, totals by kind">
            <thead>
              <tr>
                <Th>What</Th>
                <Th>Days</Th>
                <Th align="right">Runs</Th>
                <Th align="right">Succeeded</Th>
                <Th align="right">Failed</Th>
                <Th align="right">Rate limited</Th>
                <Th align="right">API calls</Th>
                <Th align="right">Fetched</Th>
                <Th align="right">New</Th>
                <Th align="right">Updated</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {older.map((o) => (
                <tr key={o.kind}>
                  <Td className="font-medium text-ink">{KIND_LABELS[o.kind] ?? o.kind}</Td>
                  <Td>{o.firstDay === o.lastDay ? o.firstDay : `${o.firstDay} – ${o.lastDay}`}</Td>
                  <Td align="right">{formatInt(o.sessions)}</Td>
                  <Td align="right">{formatInt(o.succeeded)}</Td>
                  <Td align="right">{formatInt(o.failed)}</Td>
                  <Td align="right">{formatInt(o.rateLimited)}</Td>
                  <Td align="right">{formatInt(o.apiCalls)}</Td>
                  <Td align="right">{formatInt(o.recordsFetched)}</Td>
                  <Td align="right">{formatInt(o.recordsInserted)}</Td>
                  <Td align="right">{formatInt(o.recordsUpdated)}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
        </section>
      ) : null}
    </>
  );
}

const CAUSED: Record<NonNullable<WebhookDeliveryInfo["caused"]>, string> = {
  starting: "starting a sync",
  started: "started a sync",
  queued: "a sync waits for its turn",
  follow_up: "a sync was running: one more after it",
  coalesced: "within the debounce window: synced when it ends",
  skipped: "no sync",
};

/** One line on what a webhook delivery was and what it caused. */
function webhookNote(w: WebhookDeliveryInfo): string {
  if (w.delivery === "rejected") return w.deliveries > 1 ? `${w.deliveries} refused deliveries` : "refused delivery";
  if (w.delivery === "intent_to_receive") return "Xero's intent-to-receive check";
  const parts = [`${formatInt(w.events)} ${w.events === 1 ? "event" : "events"}`];
  if (w.unmirrored) parts.push("for organisations not mirrored here");
  if (w.caused) parts.push(w.caused === "skipped" && w.skippedReason ? `no sync (${w.skippedReason.replace(/_/g, " ")})` : CAUSED[w.caused]);
  if (w.repeats) parts.push(`${formatInt(w.repeats)} ${w.repeats === 1 ? "repeat" : "repeats"} dropped`);
  return parts.join(" · ");
}
