import type { Env } from "@/lib/env";
import { DEFAULT_CUSTOM_CONNECTION_OWNER } from "@/lib/xero/custom-connection";

/**
 * Who may sign in to this instance. Anyone with a Xero login can complete "Sign in with Xero",
 * and a signed-in person can connect organisations and spend the operator's Xero quota and
 * connection cap, so outside demo mode a person needs to be on ALLOWED_SIGN_INS (their email
 * address, or its domain). With no list set outside demo mode nobody is let in: an instance
 * opened to the whole of Xero by forgetting a variable is the failure to avoid, and the sign-in
 * page says what to set. The demo (the simulator's demo users) is open unless a list is set.
 * The Custom Connection's owner (XERO_CUSTOM_CONNECTION_OWNER) is always admitted: the operator
 * named that person already.
 */

export type SignInDecision = { allowed: true } | { allowed: false; reason: "not_listed" | "no_allowlist" };

export function decideSignIn(email: string | null | undefined, env: Pick<Env, "ALLOWED_SIGN_INS" | "demo" | "XERO_GRANT_TYPE" | "XERO_CUSTOM_CONNECTION_OWNER">): SignInDecision {
  const list = env.ALLOWED_SIGN_INS;
  const address = (email ?? "").trim().toLowerCase();
  if (env.XERO_GRANT_TYPE === "client_credentials" && address && address === (env.XERO_CUSTOM_CONNECTION_OWNER ?? DEFAULT_CUSTOM_CONNECTION_OWNER).toLowerCase()) {
    return { allowed: true };
  }
  if (list.length === 0) return env.demo ? { allowed: true } : { allowed: false, reason: "no_allowlist" };
  const at = address.lastIndexOf("@");
  if (at <= 0) return { allowed: false, reason: "not_listed" };
  const domain = address.slice(at + 1);
  return list.includes(address) || list.includes(domain) ? { allowed: true } : { allowed: false, reason: "not_listed" };
}

/** The sign-in page's error codes (?error=) for a refusal. */
export const SIGN_IN_REFUSAL_CODES = { not_listed: "NotAllowed", no_allowlist: "SignInsClosed" } as const;
