"use client";

import Link from "next/link";
import { useEffect } from "react";

/**
 * Failures outside a page's own boundary (e.g. the dashboard layout could not read the session
 * because the database is down): a calm message and a retry, never a stack trace. In production
 * Next passes only a digest, which matches the server log.
 */
export default function RootError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  useEffect(() => {
    console.error("app error", error.digest ?? "");
  }, [error]);
  return (
    <main className="mx-auto flex min-h-screen max-w-lg flex-col justify-center px-6">
      <div role="alert" className="rounded-lg border border-red-200 bg-white p-6 shadow-sm">
        <h1 className="text-lg font-semibold text-ink">Xero Sync could not load this page</h1>
        <p className="mt-2 text-sm text-slate-600">
          Something went wrong on our side (the database may be unavailable). Try again in a moment
          {error.digest ? (
            <>
              ; the server log has the details under reference <code className="rounded bg-slate-100 px-1">{error.digest}</code>
            </>
          ) : null}
          .
        </p>
        <div className="mt-4 flex gap-3">
          <button type="button" onClick={reset} className="rounded-md bg-brand-700 px-3 py-2 text-sm font-semibold text-white hover:bg-brand-600">
            Try again
          </button>
          <Link href="/" className="rounded-md px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-100">
            Home
          </Link>
        </div>
      </div>
    </main>
  );
}
