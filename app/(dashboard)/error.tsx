"use client";

import Link from "next/link";
import { useEffect } from "react";

/**
 * Any failure inside the dashboard: a calm message and a retry, never a stack trace (in production
 * Next only passes a digest to match the server log).
 */
export default function DashboardError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  useEffect(() => {
    console.error("dashboard error", error.digest ?? "");
  }, [error]);
  return (
    <div role="alert" className="rounded-lg border border-red-200 bg-white p-6 shadow-sm">
      <h1 className="text-lg font-semibold text-ink">This page could not be loaded</h1>
      <p className="mt-2 text-sm text-slate-600">
        Something went wrong on our side while reading your data. Try again; if it keeps happening, the server log has the details
        {error.digest ? (
          <>
            {" "}
            under reference <code className="rounded bg-slate-100 px-1">{error.digest}</code>
          </>
        ) : null}
        .
      </p>
      <div className="mt-4 flex gap-3">
        <button type="button" onClick={reset} className="rounded-md bg-brand-700 px-3 py-2 text-sm font-semibold text-white hover:bg-brand-600">
          Try again
        </button>
        <Link href="/dashboard" className="rounded-md px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-100">
          Back to overview
        </Link>
      </div>
    </div>
  );
}
