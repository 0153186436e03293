"use client";

import { useActionState } from "react";
import { createApiTokenAction, revokeApiTokenAction } from "./actions";

type CreateState = Awaited<ReturnType<typeof createApiTokenAction>> | null;

export function CreateTokenForm({ tenants }: { tenants: { id: string; name: string }[] }) {
  const [state, action, pending] = useActionState<CreateState, FormData>(async (_p, form) => createApiTokenAction(form), null);
  const errors = state && !state.ok ? state.error.fieldErrors : undefined;
  const select = "rounded-md border border-slate-300 bg-white px-2.5 py-2 text-sm text-ink shadow-sm";
  return (
    <div>
      <form action={action} className="flex flex-wrap items-end gap-3">
        <label className="flex min-w-[16rem] flex-1 flex-col gap-1 text-xs font-medium text-slate-600">
          Token name
          <input name="name" required maxLength={80} placeholder="e.g. Reporting script" className="rounded-md border border-slate-300 px-2.5 py-2 text-sm text-ink shadow-sm" />
        </label>
        <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">
          Organisations
          <select name="tenantId" defaultValue="" className={select}>
            <option value="">All my organisations</option>
            {tenants.map((t) => (
              <option key={t.id} value={t.id}>
                Only {t.name}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">
          Access
          <select name="access" defaultValue="read" className={select}>
            <option value="read">Read-only</option>
            <option value="read_write">Read-write (can start syncs)</option>
          </select>
        </label>
        <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">
          Expires
          <select name="expiresInDays" defaultValue="90" className={select}>
            <option value="30">In 30 days</option>
            <option value="90">In 90 days</option>
            <option value="365">In a year</option>
            <option value="never">Never</option>
          </select>
        </label>
        <button type="submit" disabled={pending} className="rounded-md bg-brand-700 px-3 py-2 text-sm font-semibold text-white hover:bg-brand-600 disabled:opacity-60">
          {pending ? "Creating…" : "Create token"}
        </button>
      </form>
      {state?.ok ? (
        <div role="status" className="mt-4 rounded-md border border-emerald-200 bg-emerald-50 p-3 text-sm text-emerald-950">
          <p className="font-medium">Token “{state.data.name}” created. Copy it now: it is not shown again.</p>
          <code className="mt-2 block select-all break-all rounded bg-white px-2 py-1.5 font-mono text-xs text-ink ring-1 ring-emerald-200" data-testid="new-token">
            {state.data.token}
          </code>
        </div>
      ) : state && !state.ok ? (
        <p role="alert" className="mt-3 text-sm text-red-800">
          {errors?.name?.[0] ?? errors?.tenantId?.[0] ?? errors?.access?.[0] ?? errors?.expiresInDays?.[0] ?? state.error.message}
        </p>
      ) : null}
    </div>
  );
}

type RevokeState = Awaited<ReturnType<typeof revokeApiTokenAction>> | null;

export function RevokeTokenButton({ id, name }: { id: string; name: string }) {
  const [state, action, pending] = useActionState<RevokeState, FormData>(async (_p, form) => revokeApiTokenAction(form), null);
  return (
    <form action={action}>
      <input type="hidden" name="id" value={id} />
      <button type="submit" disabled={pending} className="rounded px-2 py-1 text-sm font-medium text-red-700 hover:bg-red-50 disabled:opacity-60">
        {pending ? "Revoking…" : "Revoke"}
        <span className="sr-only"> {name}</span>
      </button>
      {state && !state.ok ? <span role="alert" className="text-xs text-red-800">{state.error.message}</span> : null}
    </form>
  );
}
