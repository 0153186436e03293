"use client";

import { useActionState, useState } from "react";
import { deleteAlertWebhookAction, rotateAlertSecretAction, saveAlertWebhookAction, sendTestAlertAction } from "./actions";

type SaveState = Awaited<ReturnType<typeof saveAlertWebhookAction>> | null;
type RotateState = Awaited<ReturnType<typeof rotateAlertSecretAction>> | null;
type TestState = Awaited<ReturnType<typeof sendTestAlertAction>> | null;
type DeleteState = Awaited<ReturnType<typeof deleteAlertWebhookAction>> | null;

const button = "rounded-md px-3 py-2 text-sm font-semibold disabled:opacity-60";

/** The signing secret, right after it was made: the only time it is shown. */
function NewSecret({ secret }: { secret: string }) {
  return (
    <div role="status" className="mt-4 rounded-md border border-emerald-200 bg-emerald-50 p-3 text-sm text-emerald-950">
      <p className="font-medium">Signing secret. Copy it now: it is not shown again.</p>
      <code className="mt-2 block select-all break-all rounded bg-white px-2 py-1.5 font-mono text-xs text-ink ring-1 ring-emerald-200" data-testid="signing-secret">
        {secret}
      </code>
    </div>
  );
}

export function WebhookForm({ url, kinds, options }: { url: string; kinds: string[]; options: { kind: string; label: string }[] }) {
  const [state, action, pending] = useActionState<SaveState, FormData>(async (_p, form) => saveAlertWebhookAction(form), null);
  const errors = state && !state.ok ? state.error.fieldErrors : undefined;
  // Controlled, so a refused save keeps what was typed and ticked (React resets uncontrolled fields after an action).
  const [urlValue, setUrl] = useState(url);
  const [picked, setPicked] = useState(() => new Set(kinds));
  return (
    <div>
      <form action={action} className="space-y-4">
        <label className="flex max-w-2xl flex-col gap-1 text-xs font-medium text-slate-600">
          Receiver URL
          <input
            name="url"
            type="url"
            required
            value={urlValue}
            onChange={(e) => setUrl(e.target.value)}
            placeholder="https://hooks.example.com/xero-sync"
            aria-invalid={errors?.url ? true : undefined}
            aria-describedby={errors?.url ? "url-error" : undefined}
            className="rounded-md border border-slate-300 px-2.5 py-2 text-sm text-ink shadow-sm"
          />
        </label>
        {errors?.url ? (
          <p id="url-error" role="alert" className="text-sm text-red-800">
            {errors.url[0]}
          </p>
        ) : null}
        <fieldset>
          <legend className="text-xs font-medium text-slate-600">Send these alerts</legend>
          <div className="mt-1 flex flex-wrap gap-x-5 gap-y-2">
            {options.map((o) => (
              <label key={o.kind} className="flex items-center gap-2 text-sm text-ink">
                <input
                  type="checkbox"
                  name="kinds"
                  value={o.kind}
                  checked={picked.has(o.kind)}
                  onChange={(e) =>
                    setPicked((prev) => {
                      const next = new Set(prev);
                      if (e.target.checked) next.add(o.kind);
                      else next.delete(o.kind);
                      return next;
                    })
                  }
                  className="h-4 w-4 rounded border-slate-300"
                />
                {o.label}
              </label>
            ))}
          </div>
        </fieldset>
        {errors?.kinds ? (
          <p role="alert" className="text-sm text-red-800">
            {errors.kinds[0]}
          </p>
        ) : null}
        <button type="submit" disabled={pending} className={`${button} bg-brand-700 text-white hover:bg-brand-600`}>
          {pending ? "Saving…" : "Save webhook"}
        </button>
      </form>
      {state?.ok ? state.data.secret ? <NewSecret secret={state.data.secret} /> : <p role="status" className="mt-3 text-sm text-emerald-800">Saved.</p> : null}
      {state && !state.ok && !errors?.url && !errors?.kinds ? (
        <p role="alert" className="mt-3 text-sm text-red-800">
          {state.error.message}
        </p>
      ) : null}
    </div>
  );
}

export function SendTestButton() {
  const [state, action, pending] = useActionState<TestState, FormData>(async (_p, form) => sendTestAlertAction(form), null);
  return (
    <form action={action} className="flex flex-wrap items-center gap-3">
      <button type="submit" disabled={pending} className={`${button} border border-slate-300 bg-white text-ink hover:bg-slate-50`}>
        {pending ? "Sending…" : "Send test"}
      </button>
      {state?.ok ? (
        <span role="status" className={`text-sm ${state.data.status === "delivered" ? "text-emerald-800" : "text-red-800"}`}>
          {state.data.status === "delivered" ? `Delivered (HTTP ${state.data.responseStatus}).` : `Not delivered: ${state.data.error ?? "see below"} It is retried.`}
        </span>
      ) : state && !state.ok ? (
        <span role="alert" className="text-sm text-red-800">
          {state.error.message}
        </span>
      ) : null}
    </form>
  );
}

export function RotateSecretButton() {
  const [state, action, pending] = useActionState<RotateState, FormData>(async (_p, form) => rotateAlertSecretAction(form), null);
  return (
    <div>
      <form action={action}>
        <button type="submit" disabled={pending} className={`${button} border border-slate-300 bg-white text-ink hover:bg-slate-50`}>
          {pending ? "Rotating…" : "Rotate secret"}
        </button>
      </form>
      {state?.ok ? <NewSecret secret={state.data.secret} /> : state && !state.ok ? <p role="alert" className="mt-2 text-sm text-red-800">{state.error.message}</p> : null}
    </div>
  );
}

export function RemoveWebhookButton() {
  const [state, action, pending] = useActionState<DeleteState, FormData>(async (_p, form) => deleteAlertWebhookAction(form), null);
  return (
    <form action={action}>
      <button type="submit" disabled={pending} className={`${button} text-red-700 hover:bg-red-50`}>
        {pending ? "Removing…" : "Remove webhook"}
      </button>
      {state && !state.ok ? <span role="alert" className="text-xs text-red-800">{state.error.message}</span> : null}
    </form>
  );
}
