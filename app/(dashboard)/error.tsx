"use client";

import { ErrorPanel } from "@/app/_components/error-panel";

/** Any failure inside the dashboard: a calm message and a retry, never a stack trace. */
export default function DashboardError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <ErrorPanel
      error={error}
      reset={reset}
      title="This page could not be loaded"
      reason="Something went wrong on our side while reading your data."
      back={{ href: "/dashboard", label: "Back to overview" }}
    />
  );
}
