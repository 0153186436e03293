import { AppError } from "@/lib/errors";

/**
 * Which Xero a grant belongs to. Every connection records the identity issuer its tokens came
 * from (xero_connections.issuer): Xero's https://identity.xero.com, or the simulator's URL in demo
 * mode and tests. A token is only ever sent to the issuer it came from and to the API configured
 * beside that issuer (XERO_API_URL pairs with XERO_IDENTITY_URL). So a deployment whose
 * environment changes underneath its data (a lost XERO_CLIENT_ID that used to start demo mode,
 * a typo in XERO_IDENTITY_URL) stops with a configuration error instead of handing Xero's
 * refresh tokens to another server, getting invalid_grant and marking every connection as
 * needing a reconnect.
 *
 * Rows from before the column existed have no issuer: they are taken as Xero's own, the only
 * issuer a deployment holding real grants could have used. (A demo database from then gets the
 * configuration error for its simulator grants; Connect Xero once more, or delete .data.)
 */

/** Xero's production identity issuer; also what a connection without a recorded issuer means. */
export const XERO_ISSUER = "https://identity.xero.com";

/** An issuer URL in the one form it is stored and compared in (no trailing slash). */
export function normalizeIssuer(url: string): string {
  return url.replace(/\/+$/, "");
}

/** The issuer of the Xero a config points at (what xero_connections.issuer records for its grants). */
export function issuerOfConfig(config: { identityUrl?: string }): string {
  return normalizeIssuer(config.identityUrl ?? XERO_ISSUER);
}

/** The issuer a stored connection's tokens came from. */
export function issuerOf(connection: { issuer: string | null }): string {
  return connection.issuer ? normalizeIssuer(connection.issuer) : XERO_ISSUER;
}

/**
 * A connection's tokens were issued by another Xero than the one this server is configured for.
 * Not the connection's fault, so it is never marked needs_reconnect: the operator fixes the
 * environment (or the person connects again against the configured Xero).
 */
export class XeroIssuerMismatchError extends AppError {
  readonly code = "xero_issuer_mismatch" as const;

  constructor(
    readonly tokenIssuer: string,
    readonly configuredIssuer: string,
  ) {
    super(
      "internal",
      `This Xero connection was authorised by ${tokenIssuer}, but the server is configured for ${configuredIssuer} ` +
        "(XERO_IDENTITY_URL, or demo mode): its tokens are not sent there. Fix the server's configuration, or connect again.",
      { details: { reason: "issuer_mismatch", tokenIssuer, configuredIssuer } },
    );
    this.name = "XeroIssuerMismatchError";
  }
}

/** Throws XeroIssuerMismatchError unless a token from `tokenIssuer` may go to `configuredIssuer`'s Xero. */
export function assertSameIssuer(tokenIssuer: string, configuredIssuer: string): void {
  const a = normalizeIssuer(tokenIssuer);
  const b = normalizeIssuer(configuredIssuer);
  if (a !== b) throw new XeroIssuerMismatchError(a, b);
}

/** The claims of a Xero access token (a JWT; not verified here), or null when it is not a JWT. */
export function accessTokenClaims(accessToken: string): Record<string, unknown> | null {
  const part = accessToken.split(".")[1];
  if (!part) return null;
  try {
    const claims: unknown = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    return claims && typeof claims === "object" ? (claims as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * The `iss` claim of an access token (Xero's are JWTs), or null when it is not a JWT or has none:
 * lets the API client check a token it was handed without knowing its connection.
 */
export function accessTokenIssuer(accessToken: string): string | null {
  const iss = accessTokenClaims(accessToken)?.iss;
  return typeof iss === "string" && iss ? normalizeIssuer(iss) : null;
}

/**
 * Refuses (XeroIssuerMismatchError) an access token issued by another identity server than
 * `identityUrl`: the API beside XERO_IDENTITY_URL only ever sees that issuer's tokens. A token
 * that is not a JWT carries no issuer to compare (Xero's always are).
 */
export function assertAccessTokenFor(identityUrl: string | undefined, accessToken: string): void {
  const iss = accessTokenIssuer(accessToken);
  if (iss) assertSameIssuer(iss, identityUrl ?? XERO_ISSUER);
}
