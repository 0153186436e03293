import type { Metadata } from "next";
import Link from "next/link";
import { listApiTokens } from "@/lib/api-tokens";
import { getDb } from "@/lib/db";
import { Badge } from "../../_components/badges";
import { Table, Td, Th } from "../../_components/table";
import { RelativeTime } from "../../_components/time";
import { requireDashboardUser } from "../../_components/user";
import { CreateTokenForm, RevokeTokenButton } from "./token-forms";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "API tokens" };

/** Personal tokens for the read API (/api/v1), and how to use it. */
export default async function ApiTokensPage() {
  const user = await requireDashboardUser("/settings/api");
  const now = new Date();
  const tokens = await listApiTokens(await getDb(), user.id);
  return (
    <>
      <h1 className="text-2xl font-semibold tracking-tight text-ink">API tokens</h1>
      <p className="mt-1 max-w-3xl text-sm text-slate-600">
        Programs can read your synced organisations, invoices and contacts as JSON from <code className="rounded bg-slate-100 px-1">/api/v1</code>. A token
        reads exactly what you see here, nothing more; revoke it when a program no longer needs it.
      </p>

      <section aria-labelledby="new-token" className="mt-5 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
        <h2 id="new-token" className="mb-3 text-base font-semibold text-ink">
          New token
        </h2>
        <CreateTokenForm />
      </section>

      <section aria-labelledby="your-tokens" className="mt-6">
        <h2 id="your-tokens" className="mb-2 text-base font-semibold text-ink">
          Your tokens
        </h2>
        {tokens.length === 0 ? (
          <p className="text-sm text-slate-600">No tokens yet.</p>
        ) : (
          <Table caption="Your API tokens">
            <thead>
              <tr>
                <Th>Name</Th>
                <Th>Token</Th>
                <Th>Created</Th>
                <Th>Last used</Th>
                <Th>Status</Th>
                <Th />
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {tokens.map((t) => (
                <tr key={t.id}>
                  <Td className="font-medium">{t.name}</Td>
                  <Td className="font-mono text-xs text-slate-600">{t.prefix}…</Td>
                  <Td>
                    <RelativeTime date={t.createdAt} now={now} />
                  </Td>
                  <Td>
                    <RelativeTime date={t.lastUsedAt} now={now} />
                  </Td>
                  <Td>{t.revokedAt ? <Badge>Revoked</Badge> : <Badge color="green">Active</Badge>}</Td>
                  <Td align="right">{t.revokedAt ? null : <RevokeTokenButton id={t.id} name={t.name} />}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </section>

      <section aria-labelledby="api-usage" className="mt-6 rounded-lg border border-slate-200 bg-white p-4 text-sm text-slate-700 shadow-sm">
        <h2 id="api-usage" className="mb-2 text-base font-semibold text-ink">
          Using the API
        </h2>
        <pre className="overflow-x-auto rounded bg-slate-900 p-3 text-xs text-slate-100">
          {`curl -H "Authorization: Bearer xs_…" "$APP_URL/api/v1/invoices?status=AUTHORISED&overdue=1&limit=100"`}
        </pre>
        <ul className="mt-3 list-disc space-y-1 pl-5">
          <li>
            <code>GET /api/v1/tenants</code>: your organisations, their state, records held and sync progress.
          </li>
          <li>
            <code>GET /api/v1/invoices</code>: filters <code>org status type from to overdue contact q</code>, <code>sort dir limit</code> (1–200).
          </li>
          <li>
            <code>GET /api/v1/contacts</code>: filters <code>org status role q</code>, with outstanding and overdue receivables.
          </li>
          <li>
            Answers are <code>{`{ data, page: { next, prev, total, limit } }`}</code>; pass <code>after=&lt;next&gt;</code> for the following page. Money
            is a decimal string. An unknown parameter value is a 400 naming it.
          </li>
        </ul>
        <p className="mt-3">
          Every route, parameter and answer:{" "}
          <Link href="/settings/api/reference" className="font-medium text-brand-700 hover:underline">
            API reference
          </Link>{" "}
          (the OpenAPI 3.1 document is at <code>/api/v1/openapi.json</code>).
        </p>
      </section>
    </>
  );
}
