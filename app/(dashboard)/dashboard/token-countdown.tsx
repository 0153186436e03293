import Link from "next/link";
import type { TokenLife } from "@/lib/usage/read-model";

// A route handler (it redirects to Xero), not a page: a plain link.
const CONNECT_HREF = "/api/xero/connect";

/**
 * Organisations whose Xero refresh token nears its 60 days unused (the keep-alive has not renewed
 * it: workers down, or refreshing fails): a sync renews it, a reconnect replaces it.
 */
export function TokenCountdown({ orgs, linkToOrg = true }: { orgs: { id: string; name: string; token: TokenLife }[]; linkToOrg?: boolean }) {
  if (!orgs.length) return null;
  return (
    <div role="alert" className="space-y-1 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-900">
      {orgs.map((o) => (
        <p key={o.id}>
          {linkToOrg ? (
            <Link href={`/dashboard/organisations/${o.id}`} className="font-semibold underline hover:no-underline">
              {o.name}
            </Link>
          ) : (
            <strong>{o.name}</strong>
          )}
          : Xero access ends in {o.token.daysLeft === 1 ? "1 day" : `${o.token.daysLeft} days`} — Sync now or{" "}
          <a href={CONNECT_HREF} className="font-semibold underline hover:no-underline">
            reconnect
          </a>
          .
        </p>
      ))}
    </div>
  );
}
