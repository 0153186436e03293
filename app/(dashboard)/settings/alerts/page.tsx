import type { Metadata } from "next";
import { ALERT_KIND_LABELS, ALERT_KINDS, DEFAULT_WEBHOOK_KINDS } from "@/lib/alerts/kinds";
import { SIGNATURE_HEADER } from "@/lib/alerts/signature";
import { getWebhook, listDeliveries } from "@/lib/alerts/webhook";
import { getDb } from "@/lib/db";
import { Badge } from "../../_components/badges";
import { Table, Td, Th } from "../../_components/table";
import { RelativeTime } from "../../_components/time";
import { requireDashboardUser } from "../../_components/user";
import { RemoveWebhookButton, RotateSecretButton, SendTestButton, WebhookForm } from "./webhook-forms";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Alert webhook" };

const TYPE_LABELS: Record<string, string> = { "alert.opened": "Opened", "alert.resolved": "Resolved", test: "Test" };

/** The outgoing alert webhook: where alerts go, which ones, its signing secret, and the deliveries. */
export default async function AlertWebhookPage() {
  const user = await requireDashboardUser("/settings/alerts");
  const now = new Date();
  const db = await getDb();
  const [hook, deliveries] = await Promise.all([getWebhook(db, user.id), listDeliveries(db, user.id)]);
  return (
    <>
      <h1 className="text-2xl font-semibold tracking-tight text-ink">Alert webhook</h1>
      <p className="mt-1 max-w-3xl text-sm text-slate-600">
        When an alert opens or resolves, Xero Sync can POST it as JSON to a URL of yours (chat, paging, your own service). Each delivery is signed
        in the <code className="rounded bg-slate-100 px-1">{SIGNATURE_HEADER}</code> header with a secret only you and this server know; failed
        deliveries are retried with backoff.
      </p>

      <section aria-labelledby="webhook-settings" className="mt-5 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
        <h2 id="webhook-settings" className="mb-3 text-base font-semibold text-ink">
          {hook ? "Webhook" : "New webhook"}
        </h2>
        <WebhookForm
          url={hook?.url ?? ""}
          kinds={hook?.kinds ?? [...DEFAULT_WEBHOOK_KINDS]}
          options={ALERT_KINDS.map((kind) => ({ kind, label: ALERT_KIND_LABELS[kind] }))}
        />
        {hook ? (
          <div className="mt-5 border-t border-slate-100 pt-4">
            <p className="text-sm text-slate-700">
              Signing secret made <RelativeTime date={hook.secretCreatedAt} now={now} />. Rotating makes a new one at once: update your receiver.
            </p>
            <div className="mt-3 flex flex-wrap items-start gap-3">
              <SendTestButton />
              <RotateSecretButton />
              <RemoveWebhookButton />
            </div>
          </div>
        ) : null}
      </section>

      <section aria-labelledby="deliveries" className="mt-6">
        <h2 id="deliveries" className="mb-2 text-base font-semibold text-ink">
          Deliveries
        </h2>
        {deliveries.length === 0 ? (
          <p className="text-sm text-slate-600">No deliveries yet.</p>
        ) : (
          <Table caption="Latest webhook deliveries">
            <thead>
              <tr>
                <Th>Created</Th>
                <Th>Event</Th>
                <Th>Alert</Th>
                <Th>Status</Th>
                <Th align="right">Attempts</Th>
                <Th>Response</Th>
                <Th>Next attempt</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {deliveries.map((d) => (
                <tr key={d.id} data-testid="delivery">
                  <Td>
                    <RelativeTime date={d.createdAt} now={now} />
                  </Td>
                  <Td>{TYPE_LABELS[d.type] ?? d.type}</Td>
                  <Td>{d.title ?? "—"}</Td>
                  <Td>
                    {d.status === "delivered" ? (
                      <Badge color="green">Delivered</Badge>
                    ) : d.status === "failed" ? (
                      <Badge color="red">Failed</Badge>
                    ) : (
                      <Badge color="amber">{d.attempts ? "Retrying" : "Pending"}</Badge>
                    )}
                  </Td>
                  <Td align="right">{d.attempts}</Td>
                  <Td>{d.responseStatus ? `HTTP ${d.responseStatus}` : (d.lastError ?? "—")}</Td>
                  <Td>{d.status === "pending" ? <RelativeTime date={d.nextAttemptAt} now={now} /> : "—"}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </section>
    </>
  );
}
