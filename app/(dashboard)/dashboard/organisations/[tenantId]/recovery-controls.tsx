"use client";

import { useActionState } from "react";
import type { RecoveryKind } from "@/lib/sync/recovery";
import { recoverEntityAction } from "./recovery-actions";

type State = Awaited<ReturnType<typeof recoverEntityAction>> | null;

const STARTED: Record<string, string> = {
  started: "Started: it is syncing now.",
  queued: "Queued: it starts as soon as a sync slot is free.",
  already_running: "A sync of this organisation is running: this one follows it.",
};

const button =
  "rounded-md px-3 py-1.5 text-sm font-semibold shadow-sm ring-1 ring-inset disabled:cursor-not-allowed disabled:bg-slate-100 disabled:text-slate-500 disabled:ring-slate-200";

/**
 * One entity's three recovery controls. Each is a plain form posting to the server action, so it
 * works before (or without) JavaScript; clear asks first, naming the rows it deletes.
 */
export function RecoveryControls(props: {
  tenantId: string;
  orgName: string;
  entity: string;
  label: string;
  held: number;
  kinds: RecoveryKind[];
  disabledReason: string | null;
  today: string;
  defaultFrom: string;
}) {
  const { tenantId, orgName, entity, label, held, kinds, disabledReason, today, defaultFrom } = props;
  const [resync, resyncAction, resyncPending] = useActionState<State, FormData>(recoverEntityAction, null);
  const [full, fullAction, fullPending] = useActionState<State, FormData>(recoverEntityAction, null);
  const [clear, clearAction, clearPending] = useActionState<State, FormData>(recoverEntityAction, null);
  const disabled = Boolean(disabledReason);
  const title = disabledReason ?? undefined;
  const noun = label.toLowerCase();
  const hidden = (kind: RecoveryKind) => (
    <>
      <input type="hidden" name="tenantId" value={tenantId} />
      <input type="hidden" name="entity" value={entity} />
      <input type="hidden" name="kind" value={kind} />
    </>
  );
  return (
    <div className="flex flex-wrap items-start gap-x-6 gap-y-3">
      {kinds.includes("resync") ? (
        <form action={resyncAction} className="space-y-1" aria-label={`Re-sync ${noun} from a date`}>
          {hidden("resync")}
          <div className="flex items-end gap-2">
            <label className="text-sm text-slate-700">
              <span className="block text-xs text-slate-500">From (UTC)</span>
              <input type="date" name="from" defaultValue={defaultFrom} max={today} required disabled={disabled} className="rounded-md border border-slate-300 px-2 py-1 text-sm" />
            </label>
            <button type="submit" disabled={disabled || resyncPending} title={title} className={`${button} bg-white text-brand-700 ring-brand-600/40 hover:bg-brand-50`}>
              {resyncPending ? "Starting…" : "Re-sync from date"}
            </button>
          </div>
          <Outcome state={resync} />
        </form>
      ) : (
        <p className="max-w-[16rem] text-xs text-slate-500">No re-sync from a date: {noun} are fetched whole and compared, so there is no cursor to rewind.</p>
      )}
      <form action={fullAction} className="space-y-1" aria-label={`Full refresh of ${noun}`}>
        {hidden("full")}
        <button type="submit" disabled={disabled || fullPending} title={title} className={`${button} mt-4 bg-white text-brand-700 ring-brand-600/40 hover:bg-brand-50`}>
          {fullPending ? "Starting…" : "Full refresh"}
        </button>
        <Outcome state={full} />
      </form>
      <details className="mt-4 text-sm">
        <summary
          aria-disabled={disabled}
          title={title}
          className={`cursor-pointer rounded px-1 py-1 ${disabled ? "pointer-events-none text-slate-400" : "text-slate-700 hover:text-red-700"}`}
        >
          Clear and re-sync…
        </summary>
        <form action={clearAction} className="mt-2 max-w-md space-y-2 rounded-md border border-red-200 bg-red-50/50 p-3">
          {hidden("clear")}
          <input type="hidden" name="confirmCount" value={held} />
          <p className="text-slate-700">
            Delete {held.toLocaleString("en")} {noun} of <strong>{orgName}</strong> and fetch them again?
          </p>
          <button type="submit" disabled={disabled || clearPending} className="rounded-md bg-red-700 px-3 py-1.5 font-semibold text-white hover:bg-red-800 disabled:opacity-60">
            {clearPending ? "Deleting…" : `Delete and re-sync ${noun}`}
          </button>
          <Outcome state={clear} />
        </form>
      </details>
    </div>
  );
}

function Outcome({ state }: { state: State }) {
  if (!state) return null;
  if (state.ok) {
    return (
      <p role="status" className="text-sm text-emerald-800">
        {STARTED[state.data.status] ?? "Requested."}
      </p>
    );
  }
  const fields = Object.values(state.error.fieldErrors ?? {}).flat();
  return (
    <p role="alert" className="max-w-xs text-sm text-red-800">
      {state.error.message}
      {fields.length ? ` (${fields.join("; ")})` : ""}
    </p>
  );
}
