"use client";

import { useActionState } from "react";
import { pauseScheduleAction, resumeScheduleAction, setEntityEnabledAction, setSyncIntervalAction } from "./actions";

type State = { ok: true } | { ok: false; error: { message: string } } | null;

function Alert({ state }: { state: State }) {
  if (!state || state.ok) return null;
  return (
    <p role="alert" className="mt-1 text-sm text-red-800">
      {state.error.message}
    </p>
  );
}

const button = "rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-semibold text-ink hover:bg-slate-50 disabled:opacity-60";

/** The organisation's interval: one of the offered ones, or the server's default. */
export function IntervalForm({ tenantId, current, defaultMinutes, options }: { tenantId: string; current: number | null; defaultMinutes: number | null; options: { value: number; label: string }[] }) {
  const [state, action, pending] = useActionState<State, FormData>(async (_prev, form) => setSyncIntervalAction(form), null);
  return (
    <form action={action}>
      <input type="hidden" name="tenantId" value={tenantId} />
      <label htmlFor="sync-interval" className="block text-sm font-medium text-slate-700">
        Sync every
      </label>
      <div className="mt-1 flex gap-2">
        <select id="sync-interval" name="minutes" defaultValue={current === null ? "default" : String(current)} className="rounded-md border border-slate-300 px-2 py-1.5 text-sm">
          <option value="default">Server default{defaultMinutes ? ` (${options.find((o) => o.value === defaultMinutes)?.label ?? `${defaultMinutes} min`})` : ""}</option>
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
        <button type="submit" disabled={pending} className={button}>
          {pending ? "Saving…" : "Save interval"}
        </button>
      </div>
      <Alert state={state} />
    </form>
  );
}

/** Pause or resume the organisation's scheduled syncs. */
export function PauseForm({ tenantId, paused }: { tenantId: string; paused: boolean }) {
  const [state, action, pending] = useActionState<State, FormData>(async (_prev, form) => (paused ? resumeScheduleAction(form) : pauseScheduleAction(form)), null);
  return (
    <form action={action}>
      <input type="hidden" name="tenantId" value={tenantId} />
      <button type="submit" disabled={pending} className={button}>
        {paused ? "Resume schedule" : "Pause schedule"}
      </button>
      <Alert state={state} />
    </form>
  );
}

/** One entity on or off; one the grant cannot read says why instead of turning on. */
export function EntityToggle({ tenantId, entity, label, enabled, unavailable }: { tenantId: string; entity: string; label: string; enabled: boolean; unavailable: string | null }) {
  const [state, action, pending] = useActionState<State, FormData>(async (_prev, form) => setEntityEnabledAction(form), null);
  return (
    <form action={action}>
      <input type="hidden" name="tenantId" value={tenantId} />
      <input type="hidden" name="entity" value={entity} />
      <input type="hidden" name="enabled" value={enabled ? "0" : "1"} />
      <button type="submit" disabled={pending} aria-pressed={enabled} aria-label={`Sync ${label}`} className={button}>
        {enabled ? "On" : "Off"}
      </button>
      {unavailable ? <p className="mt-1 text-xs text-slate-500">{unavailable}</p> : null}
      <Alert state={state} />
    </form>
  );
}
