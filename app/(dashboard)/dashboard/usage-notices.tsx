import Link from "next/link";
import { getDb } from "@/lib/db";
import type { Reader } from "@/lib/lists/tenant-scope";
import { getUsageWarnings } from "@/lib/usage/read-model";
import { TokenCountdown } from "./token-countdown";

/** The overview's warnings about Xero's plan (80 % of egress, connections, a daily quota) and Xero access about to end. */
export async function UsageNotices({ reader, now }: { reader: Reader; now: Date }) {
  const { messages, expiring } = await getUsageWarnings(await getDb(), reader, now);
  if (!messages.length && !expiring.length) return null;
  return (
    <section aria-label="Xero usage warnings" className="mb-4 space-y-2">
      {messages.length ? (
        <div role="status" className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-950">
          {messages.map((m) => (
            <p key={m}>{m}</p>
          ))}
          <Link href="/settings/usage" className="font-semibold text-amber-900 underline hover:no-underline">
            See Xero usage
          </Link>
        </div>
      ) : null}
      <TokenCountdown orgs={expiring} />
    </section>
  );
}
