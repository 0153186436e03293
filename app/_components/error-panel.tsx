"use client";

import Link from "next/link";
import { useEffect } from "react";

/**
 * The one error panel of the app's error boundaries: a calm message, the digest that matches the
 * server log (Next passes only that in production, never a stack), a retry and a way back.
 */
export function ErrorPanel({
  error,
  reset,
  title,
  reason,
  back,
}: {
  error: Error & { digest?: string };
  reset: () => void;
  title: string;
  reason: string;
  back: { href: string; label: string };
}) {
  useEffect(() => {
    console.error("page error", error.digest ?? "");
  }, [error]);
  return (
    <div role="alert" className="rounded-lg border border-red-200 bg-white p-6 shadow-sm">
      <h1 className="text-lg font-semibold text-ink">{title}</h1>
      <p className="mt-2 text-sm text-slate-600">
        {reason} Try again; if it keeps happening, the server log has the details
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
        <Link href={back.href} className="rounded-md px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-100">
          {back.label}
        </Link>
      </div>
    </div>
  );
}
