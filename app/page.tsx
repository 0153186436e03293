import Link from "next/link";

/** The landing page: the only page reachable without signing in. */
export default function HomePage() {
  return (
    <main className="mx-auto flex min-h-screen max-w-4xl flex-col justify-center px-6 py-16">
      <p className="text-sm font-semibold uppercase tracking-wider text-brand-700">Xero Sync</p>
      <h1 className="mt-3 text-4xl font-bold tracking-tight text-ink sm:text-5xl">
        Your Xero books, mirrored into a database you control.
      </h1>
      <p className="mt-6 max-w-2xl text-lg text-slate-600">
        Connect one or more Xero organisations and Xero Sync keeps their invoices and contacts in PostgreSQL,
        incrementally: only what changed since the last sync is fetched, and only new or newer records are written.
        Browse them here, export them, or read them from your own programs through the API.
      </p>
      <div className="mt-10 flex flex-wrap gap-4">
        <Link
          href="/dashboard"
          className="rounded-md bg-brand-600 px-5 py-3 text-base font-semibold text-white shadow-sm hover:bg-brand-700"
        >
          Open the dashboard
        </Link>
      </div>
      <ul className="mt-16 grid gap-6 text-sm text-slate-600 sm:grid-cols-3">
        <li>
          <h2 className="font-semibold text-ink">Incremental</h2>
          <p className="mt-1">If-Modified-Since and a committed cursor: a re-sync of unchanged data writes nothing.</p>
        </li>
        <li>
          <h2 className="font-semibold text-ink">Within Xero&apos;s limits</h2>
          <p className="mt-1">Paced by Xero&apos;s rate-limit headers; a daily limit pauses cleanly and resumes.</p>
        </li>
        <li>
          <h2 className="font-semibold text-ink">Every interaction logged</h2>
          <p className="mt-1">Connects, token refreshes and syncs, with counts and errors, in the sync history.</p>
        </li>
      </ul>
    </main>
  );
}
