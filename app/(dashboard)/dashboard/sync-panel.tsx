"use client";

import { useRouter } from "next/navigation";
import { useCallback, useEffect, useRef, useState } from "react";
import { toProgressView, type ProgressView } from "./progress-view";


const fmt = (n: number) => n.toLocaleString("en-NZ");

/**
 * Sync now + live progress. The progress lives in the sync's xero_sessions row, so a reload (or a
 * second tab) picks it up: the server renders the current state and this polls
 * GET /api/v1/tenants/{id}/sync while the organisation is syncing, then refreshes the page. The
 * parent keys it by session and state, so fresh server data remounts it.
 */
export function SyncPanel({ tenantId, name, initial, canSync }: { tenantId: string; name: string; initial: ProgressView; canSync: boolean }) {
  const router = useRouter();
  const [view, setView] = useState(initial);
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const syncing = view.state === "syncing";
  const wasSyncing = useRef(syncing);

  const poll = useCallback(async () => {
    try {
      const res = await fetch(`/api/v1/tenants/${tenantId}/sync`, { cache: "no-store" });
      if (!res.ok) return;
      const body = (await res.json()) as { tenant: { state: string; lastRun: (Omit<ProgressView, "state"> & { sessionId: string }) | null } };
      setView(toProgressView(body.tenant.state, body.tenant.lastRun));
    } catch {
      // transient network error: the next tick tries again
    }
  }, [tenantId]);

  useEffect(() => {
    if (!syncing) {
      if (wasSyncing.current) router.refresh(); // figures (records, last sync) changed
      wasSyncing.current = false;
      return;
    }
    wasSyncing.current = true;
    const id = setInterval(poll, 1500);
    return () => clearInterval(id);
  }, [syncing, poll, router]);

  async function start() {
    setBusy(true);
    setMessage(null);
    try {
      const res = await fetch(`/api/v1/tenants/${tenantId}/sync`, { method: "POST" });
      const body = (await res.json().catch(() => ({}))) as { status?: string; error?: { message?: string } };
      if (!res.ok) {
        setMessage(body.error?.message ?? "The sync could not be started.");
      } else {
        if (body.status === "already_running") setMessage("A sync is already running; following it.");
        if (body.status === "queued") setMessage("Queued: the server is running as many syncs as it allows; this one starts when one ends.");
        setView((v) => ({ ...v, state: "syncing", outcome: "running", pages: 0, apiCalls: 0, recordsFetched: 0, recordsInserted: 0, recordsUpdated: 0, rateLimitWaits: 0, rateLimitWaitMs: 0, error: null }));
      }
    } catch {
      setMessage("The server could not be reached.");
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="flex flex-col gap-2 sm:items-end">
      <button
        type="button"
        onClick={start}
        disabled={!canSync || syncing || busy}
        aria-describedby={`progress-${tenantId}`}
        className={`inline-flex items-center justify-center gap-2 rounded-md px-3 py-2 text-sm font-semibold shadow-sm disabled:cursor-not-allowed ${
          syncing ? "bg-brand-50 text-brand-700 ring-1 ring-inset ring-brand-600/30" : "bg-brand-700 text-white hover:bg-brand-600 disabled:bg-slate-200 disabled:text-slate-600"
        }`}
      >
        {syncing ? (
          <span aria-hidden="true" className="h-3.5 w-3.5 animate-spin rounded-full border-2 border-brand-600/30 border-t-brand-600" />
        ) : null}
        {syncing ? "Syncing…" : busy ? "Starting…" : "Sync now"}
        <span className="sr-only"> {name}</span>
      </button>
      <p id={`progress-${tenantId}`} role="status" aria-live="polite" className="text-xs text-slate-600 sm:text-right">
        {syncing ? (
          <>
            {view.entity ? `${view.entity.replace(",", " and ")}: ` : ""}
            {fmt(view.pages)} pages · {fmt(view.recordsFetched)} fetched · {fmt(view.recordsInserted)} new · {fmt(view.recordsUpdated)} updated
            {view.rateLimitWaits ? ` · ${view.rateLimitWaits} rate-limit waits (${Math.round(view.rateLimitWaitMs / 1000)} s)` : ""}
          </>
        ) : message ? null : view.outcome && view.outcome !== "running" ? (
          <>
            Last run {view.outcome === "success" ? "succeeded" : view.outcome === "rate_limited" ? "stopped at Xero's rate limit" : view.outcome === "error" ? "failed" : view.outcome}: {fmt(view.recordsFetched)} fetched,{" "}
            {fmt(view.recordsInserted + view.recordsUpdated)} written, {fmt(view.apiCalls)} API calls
          </>
        ) : null}
        {message ? <span className="text-amber-800">{message}</span> : null}
      </p>
    </div>
  );
}
