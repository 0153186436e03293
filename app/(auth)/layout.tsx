import Link from "next/link";

/** Pages around signing in and connecting Xero: a centred card, no app navigation. */
export default function AuthLayout({ children }: { children: React.ReactNode }) {
  return (
    <div className="flex min-h-screen flex-col items-center justify-center px-4 py-12">
      <Link href="/" className="mb-8 flex items-center gap-2 text-lg font-semibold tracking-tight text-ink">
        <span aria-hidden="true" className="flex h-8 w-8 items-center justify-center rounded-md bg-brand-500 text-sm font-bold text-white">
          X
        </span>
        Xero Sync
      </Link>
      <main className="w-full max-w-md rounded-xl border border-slate-200 bg-white p-8 shadow-sm">{children}</main>
    </div>
  );
}
