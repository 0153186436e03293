"use client";

import { ErrorPanel } from "./_components/error-panel";

/**
 * Failures outside a page's own boundary (e.g. the dashboard layout could not read the session
 * because the database is down).
 */
export default function RootError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main className="mx-auto flex min-h-screen max-w-lg flex-col justify-center px-6">
      <ErrorPanel
        error={error}
        reset={reset}
        title="Xero Sync could not load this page"
        reason="Something went wrong on our side (the database may be unavailable)."
        back={{ href: "/", label: "Home" }}
      />
    </main>
  );
}
