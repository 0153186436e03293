import { AppError } from "@/lib/errors";

/** Why a Connect Xero attempt failed, and what the connect-error page says about it. */

export type ConnectErrorReason =
  | "missing_state"
  | "invalid_state"
  | "expired_state"
  | "reused_state"
  | "access_denied"
  | "connection_limit"
  | "xero_error"
  | "missing_code"
  | "code_rejected"
  | "invalid_id_token"
  | "xero_unavailable"
  | "not_configured";

/** Why a Connect Xero attempt failed; `reason` selects the explanation on the connect-error page. */
export class XeroConnectError extends AppError {
  constructor(
    readonly reason: ConnectErrorReason,
    options?: { cause?: unknown },
  ) {
    super(reason === "xero_unavailable" ? "xero_unavailable" : "bad_request", CONNECT_ERROR_MESSAGES[reason].title, {
      cause: options?.cause,
      details: { reason },
    });
    this.name = "XeroConnectError";
  }
}

/** What the connect-error page says for each reason (safe text; no value from the request). */
export const CONNECT_ERROR_MESSAGES: Record<ConnectErrorReason, { title: string; body: string }> = {
  missing_state: {
    title: "This link did not come from a Connect Xero attempt.",
    body: "Xero sent us back without the check value we gave it, so we cannot tell that you started this connection. Nothing was saved.",
  },
  invalid_state: {
    title: "This connection attempt is not one we started for you.",
    body: "The link does not match any Connect Xero attempt of the account you are signed in with (it may have been started in another browser or by someone else). Nothing was saved.",
  },
  expired_state: {
    title: "This connection attempt expired.",
    body: "Connect Xero attempts are valid for 10 minutes. Nothing was saved; start again.",
  },
  reused_state: {
    title: "This connection attempt was already used.",
    body: "Each Connect Xero link works once (the page may have been reloaded or opened twice). If the first use succeeded your organisations are already connected.",
  },
  access_denied: {
    title: "You did not allow access in Xero.",
    body: "Xero says access was declined on its consent page, so nothing was connected. You can try again and choose Allow access.",
  },
  connection_limit: {
    title: "This app has reached its Xero connection limit.",
    body: "Xero's plan for this app caps how many organisations it may have connected, and this one would go over it, so Xero refused it. Nothing was saved. Organisations already connected can still be reconnected. To connect another, disconnect an organisation you no longer need, or move the app to a larger Xero plan (and set XERO_PLAN to match).",
  },
  xero_error: {
    title: "Xero reported an error during the connection.",
    body: "Xero sent us back with an error instead of an authorisation. Nothing was saved; try again, and check the app's settings in Xero's developer portal if it persists.",
  },
  missing_code: {
    title: "Xero did not send an authorisation.",
    body: "The answer from Xero lacked the authorisation code. Nothing was saved; try again.",
  },
  code_rejected: {
    title: "Xero did not accept the authorisation.",
    body: "The authorisation code was refused (it may have been used already, or expired after 5 minutes). Nothing was saved; start again.",
  },
  invalid_id_token: {
    title: "Xero's answer could not be verified.",
    body: "The identity token in Xero's answer failed verification, so we did not trust it. Nothing was saved; try again.",
  },
  xero_unavailable: {
    title: "Xero did not answer.",
    body: "Xero could not be reached or answered with an error while we completed the connection. Nothing was saved; try again in a moment.",
  },
  not_configured: {
    title: "Connecting to Xero is not configured.",
    body: "This installation lacks part of its Xero set-up (the app credentials XERO_CLIENT_ID / XERO_CLIENT_SECRET, or TOKEN_ENCRYPTION_KEY to store tokens encrypted). Ask whoever runs it to configure them, or run it in demo mode.",
  },
};

