"use client";

/** Last resort when even the root layout fails: plain HTML, no stack trace. */
export default function GlobalError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <html lang="en">
      <body style={{ fontFamily: "system-ui, sans-serif", maxWidth: 520, margin: "15vh auto", padding: "0 24px", color: "#0f1f2e" }}>
        <h1 style={{ fontSize: 20 }}>Xero Sync could not start this page</h1>
        <p>
          Something went wrong on our side. Try again in a moment{error.digest ? ` (reference ${error.digest})` : ""}.
        </p>
        <button type="button" onClick={reset} style={{ padding: "8px 14px", borderRadius: 6, border: "1px solid #085a78", background: "#085a78", color: "#fff" }}>
          Try again
        </button>
      </body>
    </html>
  );
}
