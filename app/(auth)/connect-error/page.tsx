import type { Metadata } from "next";
import Link from "next/link";
import { CONNECT_ERROR_MESSAGES, type ConnectErrorReason } from "@/lib/xero/connect-errors";

export const metadata: Metadata = { title: "Xero was not connected" };

const SIGNED_OUT = {
  title: "You were signed out during the connection.",
  body: "Connect Xero must finish in the same signed-in session it started in. Nothing was saved; sign in and connect again.",
};

/**
 * Where a failed Connect Xero attempt lands (/connect-error?reason=…). Shows only our own text for
 * the reason code: nothing from the request is echoed.
 */
export default async function ConnectErrorPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { reason } = await searchParams;
  const key = typeof reason === "string" ? reason : "";
  const message =
    key === "signed_out"
      ? SIGNED_OUT
      : Object.hasOwn(CONNECT_ERROR_MESSAGES, key)
        ? CONNECT_ERROR_MESSAGES[key as ConnectErrorReason]
        : { title: "Xero was not connected.", body: "The connection did not complete, and nothing was saved. Please try again." };
  return (
    <div data-testid="connect-error" data-reason={key || "unknown"}>
      <p className="text-sm font-semibold uppercase tracking-wider text-red-700">Xero was not connected</p>
      <h1 className="mt-2 text-xl font-bold tracking-tight text-ink">{message.title}</h1>
      <p className="mt-3 text-sm text-slate-600">{message.body}</p>
      <div className="mt-8 flex flex-wrap gap-3">
        <a
          href={key === "signed_out" ? "/sign-in?callbackUrl=%2Fapi%2Fxero%2Fconnect" : "/api/xero/connect"}
          data-testid="connect-retry"
          className="rounded-md border border-transparent bg-brand-600 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-brand-700"
        >
          {key === "not_configured" ? "Try again" : "Connect Xero again"}
        </a>
        <Link href="/dashboard" className="rounded-md border border-slate-300 px-4 py-2 text-sm font-semibold text-slate-700 hover:bg-slate-50">
          Back to the dashboard
        </Link>
      </div>
    </div>
  );
}
