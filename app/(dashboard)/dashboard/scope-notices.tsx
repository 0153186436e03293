import { getDb } from "@/lib/db";
import { listScopeGapsByUser, type EntityScopeGap } from "@/lib/xero/scope-status";

const labels = (gaps: EntityScopeGap[]) => gaps.map((g) => g.label.toLowerCase()).join(", ");

/**
 * The user's Xero grants that lack a scope for an enabled entity, per grant: the entities a
 * reconnect adds (asking Xero for those scopes only), and those Xero does not grant these
 * organisations at all (journals off Xero's Advanced plan), which no reconnect fixes.
 */
export async function ScopeNotices({ userId }: { userId: string }) {
  const grants = await listScopeGapsByUser(await getDb(), userId);
  if (!grants.length) return null;
  return (
    <section aria-label="Missing Xero permissions" className="mb-4 space-y-2">
      {grants.map((g) => (
        <div key={g.connectionId} className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-950">
          <p>
            <strong>{g.organisations.map((o) => o.name).join(", ")}</strong>
            {g.reconnect.length ? (
              <>
                : {labels(g.reconnect)} {g.reconnect.length === 1 ? "needs" : "need"} a reconnect; this connection was granted without{" "}
                {g.reconnect.length === 1 ? "its" : "their"} Xero permission.{" "}
                <a href={`/api/xero/connect?reconnect=${g.connectionId}`} className="font-semibold text-amber-900 underline hover:no-underline">
                  Reconnect to add {labels(g.reconnect)}
                </a>
              </>
            ) : null}
          </p>
          {g.unavailable.length ? (
            <ul className="mt-1 list-inside list-disc text-amber-900">
              {g.unavailable.map((u) => (
                <li key={u.entity}>
                  {u.label}: {u.message}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ))}
    </section>
  );
}
