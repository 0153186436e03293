import { AppError } from "@/lib/errors";

/**
 * Why a connection cannot be used until its owner acts. The sync engine recognises these with
 * `isXeroAuthError(error)` and stops the tenant's sync (no retry helps); the dashboard shows the
 * connection's `status` / `statusReason` with a Reconnect button.
 */
export type XeroAuthErrorReason =
  /** Xero answered invalid_grant: the refresh token was revoked, reused or unused for 60 days. */
  | "invalid_grant"
  /** The connection was already marked needs_reconnect (by an earlier failure). */
  | "needs_reconnect"
  /** The person disconnected it (or revoked the grant). */
  | "revoked"
  /** Xero refused the credentials of the app itself (client id / secret). */
  | "invalid_client"
  /** The stored tokens cannot be decrypted (TOKEN_ENCRYPTION_KEY changed): a reconnect stores new ones. */
  | "token_unreadable";

const MESSAGES: Record<XeroAuthErrorReason, string> = {
  invalid_grant: "Xero needs you to reconnect this organisation before it can sync again.",
  needs_reconnect: "Xero needs you to reconnect this organisation before it can sync again.",
  revoked: "This Xero connection was disconnected. Connect Xero again to resume syncing.",
  invalid_client: "Xero rejected this app's credentials (XERO_CLIENT_ID / XERO_CLIENT_SECRET).",
  token_unreadable:
    "The stored Xero authorisation cannot be read (the server's encryption key changed). Reconnect this organisation to resume syncing.",
};

export class XeroAuthError extends AppError {
  readonly code = "xero_reconnect_required" as const;

  constructor(
    readonly reason: XeroAuthErrorReason,
    readonly connectionId: string,
    options?: { cause?: unknown },
  ) {
    super(
      "conflict",
      MESSAGES[reason],
      { cause: options?.cause, details: { reason } },
    );
    this.name = "XeroAuthError";
  }
}

export function isXeroAuthError(error: unknown): error is XeroAuthError {
  return error instanceof XeroAuthError;
}
