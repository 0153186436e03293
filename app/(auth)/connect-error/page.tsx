import type { Metadata } from "next";
import Link from "next/link";
import { getCurrentUser } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { countConnectedOrganisations, currentPlan } from "@/lib/usage/read-model";
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
      {key === "connection_limit" ? <ConnectionLimit /> : null}
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

/** The cap and the count behind a connection-limit refusal (to a signed-in person only: the count is the app's). */
async function ConnectionLimit() {
  if (!(await getCurrentUser())) return null;
  const plan = currentPlan();
  const connected = await countConnectedOrganisations(await getDb());
  return (
    <div data-testid="connection-limit" className="mt-4 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-950">
      <p>
        <strong>{connected}</strong> of the {plan.label} plan&apos;s <strong>{plan.connections}</strong> organisations are connected to this app
        {connected < plan.connections ? " (Xero counts every installation using these app credentials)" : ""}.
      </p>
      <ul className="mt-1 list-inside list-disc">
        <li>
          <Link href="/dashboard" className="font-semibold underline hover:no-underline">
            Disconnect an organisation
          </Link>{" "}
          you no longer need from the overview, then connect again; or
        </li>
        <li>
          change the app&apos;s plan at Xero and set <code className="rounded bg-amber-100 px-1">XERO_PLAN</code> to match (
          <Link href="/settings/usage" className="underline hover:no-underline">
            Xero usage
          </Link>
          ).
        </li>
      </ul>
    </div>
  );
}
