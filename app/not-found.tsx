import Link from "next/link";

/** Any unknown URL outside the dashboard. */
export default function NotFound() {
  return (
    <main className="mx-auto flex min-h-screen max-w-lg flex-col justify-center px-6">
      <p className="text-sm font-semibold uppercase tracking-wider text-brand-700">404</p>
      <h1 className="mt-2 text-2xl font-bold text-ink">There is nothing at this address</h1>
      <p className="mt-2 text-slate-600">The link may be old, or the record may belong to an organisation that is no longer connected.</p>
      <div className="mt-6 flex gap-3">
        <Link href="/dashboard" className="rounded-md bg-brand-700 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-600">
          Go to the dashboard
        </Link>
        <Link href="/" className="rounded-md px-4 py-2 text-sm font-medium text-slate-700 hover:bg-slate-100">
          Home
        </Link>
      </div>
    </main>
  );
}
