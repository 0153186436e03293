/**
 * The outgoing webhook's signature, in the shape receivers know from Stripe and others:
 * `X-Xero-Sync-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`. The
 * timestamp inside the signed text lets a receiver refuse replays of an old delivery.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { randomToken } from "@/lib/xero/token-crypto";

export const SIGNATURE_HEADER = "X-Xero-Sync-Signature";
/** How far a receiver should let the signed time be from its clock (the README's example uses it). */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/** A new signing secret (shown once to its user, stored encrypted). */
export function newSigningSecret(): string {
  return `whsec_${randomToken(32)}`;
}

export function signatureHeader(secret: string, body: string, unixSeconds: number): string {
  const v1 = createHmac("sha256", secret).update(`${unixSeconds}.${body}`).digest("hex");
  return `t=${unixSeconds},v1=${v1}`;
}

/**
 * A receiver's check: the header's v1 matches the body under `secret` and its time is within
 * `toleranceSeconds` of `nowSeconds`. Constant-time comparison.
 */
export function verifySignature(
  secret: string,
  body: string,
  header: string | null | undefined,
  options: { nowSeconds?: number; toleranceSeconds?: number } = {},
): boolean {
  if (!header) return false;
  const parts = new Map(header.split(",").map((p) => p.trim().split("=", 2) as [string, string]));
  const t = Number(parts.get("t"));
  const v1 = parts.get("v1") ?? "";
  if (!Number.isInteger(t) || !/^[0-9a-f]{64}$/.test(v1)) return false;
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - t) > (options.toleranceSeconds ?? SIGNATURE_TOLERANCE_SECONDS)) return false;
  const expected = createHmac("sha256", secret).update(`${t}.${body}`).digest();
  return timingSafeEqual(expected, Buffer.from(v1, "hex"));
}
