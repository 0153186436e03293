import Link from "next/link";

/**
 * Filter bars are plain GET forms: the state lives in the URL, they work without JavaScript and
 * with the keyboard, and submitting resets paging (cursors are not part of the form).
 */
export function FilterForm({ action, children, resetHref }: { action: string; children: React.ReactNode; resetHref: string }) {
  return (
    <form method="get" action={action} role="search" className="mb-4 flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-3 shadow-sm">
      {children}
      <div className="flex gap-2">
        <button type="submit" className="rounded-md bg-brand-700 px-3 py-2 text-sm font-semibold text-white shadow-sm hover:bg-brand-600">
          Apply
        </button>
        <Link href={resetHref} className="rounded-md px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-100">
          Reset
        </Link>
      </div>
    </form>
  );
}

const field = "block w-full rounded-md border border-slate-300 bg-white px-2.5 py-2 text-sm text-ink shadow-sm focus:border-brand-600 focus:outline-none focus:ring-1 focus:ring-brand-600";

export function Field({ label, children, className = "" }: { label: string; children: React.ReactNode; className?: string }) {
  return (
    <label className={`flex min-w-[8rem] flex-col gap-1 text-xs font-medium text-slate-600 ${className}`}>
      {label}
      {children}
    </label>
  );
}

export function Select({ name, value, options, label }: { name: string; value?: string; options: [string, string][]; label: string }) {
  return (
    <Field label={label}>
      <select name={name} defaultValue={value ?? ""} className={field}>
        {options.map(([v, l]) => (
          <option key={v} value={v}>
            {l}
          </option>
        ))}
      </select>
    </Field>
  );
}

export function Input({ name, value, label, type = "text", placeholder, className }: { name: string; value?: string; label: string; type?: string; placeholder?: string; className?: string }) {
  return (
    <Field label={label} className={className}>
      <input name={name} type={type} defaultValue={value ?? ""} placeholder={placeholder} className={field} maxLength={100} />
    </Field>
  );
}

/** Keeps non-form state (sort, size) across a filter submit. */
export function Hidden({ values }: { values: Record<string, string | undefined> }) {
  return (
    <>
      {Object.entries(values).map(([k, v]) => (v ? <input key={k} type="hidden" name={k} value={v} /> : null))}
    </>
  );
}
