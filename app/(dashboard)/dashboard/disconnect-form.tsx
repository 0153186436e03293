"use client";

import { useActionState } from "react";
import { disconnectTenantAction } from "./actions";

type State = Awaited<ReturnType<typeof disconnectTenantAction>> | null;

/** Disconnect one organisation (the overview's server action); optionally delete its synced data. */
export function DisconnectForm({ tenantId, name }: { tenantId: string; name: string }) {
  const [state, action, pending] = useActionState<State, FormData>(async (_prev, form) => disconnectTenantAction(form), null);
  return (
    <details className="text-sm">
      <summary className="cursor-pointer rounded px-1 text-slate-600 hover:text-red-700">Disconnect…</summary>
      <form action={action} className="mt-2 space-y-2 rounded-md border border-red-200 bg-red-50/50 p-3">
        <input type="hidden" name="tenantId" value={tenantId} />
        <p className="text-slate-700">
          Stop syncing <strong>{name}</strong> and remove this app&apos;s access to it in Xero.
        </p>
        <label className="flex items-center gap-2 text-slate-700">
          <input type="checkbox" name="deleteData" value="true" className="h-4 w-4 accent-red-700" />
          Also delete its synced invoices and contacts here
        </label>
        <button type="submit" disabled={pending} className="rounded-md bg-red-700 px-3 py-1.5 font-semibold text-white hover:bg-red-800 disabled:opacity-60">
          {pending ? "Disconnecting…" : `Disconnect ${name}`}
        </button>
        {state && !state.ok ? (
          <p role="alert" className="text-red-800">
            {state.error.message}
          </p>
        ) : null}
      </form>
    </details>
  );
}
