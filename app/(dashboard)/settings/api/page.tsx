import type { Metadata } from "next";
import Link from "next/link";
import { listApiTokens } from "@/lib/api-tokens";
import { getDb } from "@/lib/db";
import { listUserTenants } from "@/lib/lists/tenant-scope";
import { Badge } from "../../_components/badges";
import { Table, Td, Th } from "../../_components/table";
import { formatDate } from "../../_components/format";
import { RelativeTime } from "../../_components/time";
import { requireDashboardUser } from "../../_components/user";
import { CreateTokenForm, RevokeTokenButton } from "./token-forms";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "API tokens" };

/** Personal tokens for the read API (/api/v1), and how to use it. */
export default async function ApiTokensPage() {
  const user = await requireDashboardUser("/settings/api");
  const now = new Date();
  const db = await getDb();
  const [tokens, tenants] = await Promise.all([listApiTokens(db, user.id), listUserTenants(db, user)]);
  return (
    <>
      <h1 className="text-2xl font-semibold tracking-tight text-ink">API tokens</h1>
      <p className="mt-1 max-w-3xl text-sm text-slate-600">
        Programs can read your synced organisations, invoices and contacts as JSON from <code className="rounded bg-slate-100 px-1">/api/v1</code>. A token
        reads what you see here, or just one organisation; a read-write token can also start syncs. Revoking takes effect at the very next request.
      </p>

      <section aria-labelledby="new-token" className="mt-5 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
        <h2 id="new-token" className="mb-3 text-base font-semibold text-ink">
          New token
        </h2>
        <CreateTokenForm tenants={tenants.map((t) => ({ id: t.id, name: t.name }))} />
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
                <Th>Organisations</Th>
                <Th>Access</Th>
                <Th>Created</Th>
                <Th>Expires</Th>
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
                  <Td>{t.tenantId ? (t.tenantName ?? "—") : "All"}</Td>
                  <Td>{t.readOnly ? "Read-only" : "Read-write"}</Td>
                  <Td>
                    <RelativeTime date={t.createdAt} now={now} />
                  </Td>
                  <Td>{t.expiresAt ? formatDate(t.expiresAt.toISOString().slice(0, 10)) : "Never"}</Td>
                  <Td>
                    <RelativeTime date={t.lastUsedAt} now={now} />
                  </Td>
                  <Td>
                    {t.revokedAt ? <Badge>Revoked</Badge> : t.expiresAt && t.expiresAt <= now ? <Badge color="amber">Expired</Badge> : <Badge color="green">Active</Badge>}
                  </Td>
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
            <code>POST /api/v1/tenants/&#123;id&#125;/sync</code>: start a sync (read-write tokens only).
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
          <li>
            Every answer to a token carries <code>RateLimit-Limit</code>, <code>RateLimit-Remaining</code> and <code>RateLimit-Reset</code>; past the limit
            the answer is a 429 with <code>Retry-After</code>.
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
