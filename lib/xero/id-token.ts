import { createHash, createPublicKey, verify, type JsonWebKey } from "node:crypto";
import { discover, XeroOAuthError, type IdentityConfig } from "./identity";

/**
 * Validation of Xero's OpenID Connect id_token (OpenID Connect Core §3.1.3.7): RS256 signature
 * against the issuer's JWKS, `iss`, `aud`, `exp`, the `nonce` we sent, and `at_hash` binding it
 * to the access token of the same response. Done with node:crypto over the discovery document of
 * XERO_IDENTITY_URL, so it works the same against Xero and the simulator.
 */

export interface XeroIdTokenClaims {
  sub: string;
  xero_userid?: string;
  email?: string;
  given_name?: string;
  family_name?: string;
  preferred_username?: string;
  nonce?: string;
  iss: string;
  aud: string | string[];
  exp: number;
  [key: string]: unknown;
}

export class IdTokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "IdTokenError";
  }
}

const CLOCK_SKEW_S = 120;
const jwksCache = new Map<string, { keys: JsonWebKey[]; at: number }>();

export async function validateIdToken(
  idToken: string,
  expected: { nonce: string; accessToken?: string; now?: Date },
  config: Pick<IdentityConfig, "identityUrl" | "clientId" | "timeoutMs">,
): Promise<XeroIdTokenClaims> {
  const parts = idToken.split(".");
  if (parts.length !== 3) throw new IdTokenError("id_token is not a JWS");
  const [h, p, s] = parts as [string, string, string];
  const header = decodeJson(h) as { alg?: string; kid?: string };
  const claims = decodeJson(p) as XeroIdTokenClaims;
  if (header.alg !== "RS256") throw new IdTokenError(`id_token alg ${String(header.alg)} is not RS256`);

  const doc = await discover(config);
  const jwk = await findKey(doc.jwks_uri, header.kid, config.timeoutMs);
  const key = createPublicKey({ key: jwk, format: "jwk" });
  const ok = verify("RSA-SHA256", Buffer.from(`${h}.${p}`), key, Buffer.from(s, "base64url"));
  if (!ok) throw new IdTokenError("id_token signature is invalid");

  const now = Math.floor((expected.now ?? new Date()).getTime() / 1000);
  if (claims.iss !== doc.issuer) throw new IdTokenError("id_token issuer does not match");
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!aud.includes(config.clientId)) throw new IdTokenError("id_token audience does not match");
  if (typeof claims.exp !== "number" || claims.exp + CLOCK_SKEW_S < now) throw new IdTokenError("id_token has expired");
  if (typeof claims.sub !== "string" || !claims.sub) throw new IdTokenError("id_token has no subject");
  if (claims.nonce !== expected.nonce) throw new IdTokenError("id_token nonce does not match this sign-in attempt");
  if (expected.accessToken && typeof claims.at_hash === "string") {
    const digest = createHash("sha256").update(expected.accessToken).digest();
    if (digest.subarray(0, digest.length / 2).toString("base64url") !== claims.at_hash) {
      throw new IdTokenError("id_token at_hash does not match the access token");
    }
  }
  return claims;
}

/**
 * Reads claims of a JWT access token without verifying it: only for values Xero documents there
 * (`authentication_event_id`), on a token we just received from the token endpoint over TLS.
 */
export function readJwtClaims(token: string): Record<string, unknown> {
  const payload = token.split(".")[1];
  if (!payload) return {};
  try {
    const value = decodeJson(payload);
    return value && typeof value === "object" ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function decodeJson(part: string): unknown {
  try {
    return JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
  } catch {
    throw new IdTokenError("id_token is not valid JSON");
  }
}

async function findKey(jwksUri: string, kid: string | undefined, timeoutMs: number): Promise<JsonWebKey> {
  const pick = (keys: JsonWebKey[]) => keys.find((k) => (kid ? k.kid === kid : k.kty === "RSA"));
  const cached = jwksCache.get(jwksUri);
  const fromCache = cached && Date.now() - cached.at < 3_600_000 ? pick(cached.keys) : undefined;
  if (fromCache) return fromCache;
  // Unknown kid: fetch again (the issuer may have rotated its keys).
  let res: Response;
  try {
    res = await fetch(jwksUri, { signal: AbortSignal.timeout(timeoutMs), cache: "no-store" });
  } catch (error) {
    throw new XeroOAuthError("Xero's JWKS endpoint could not be reached", 0, undefined, { cause: error });
  }
  if (!res.ok) throw new XeroOAuthError(`Xero's JWKS endpoint answered ${res.status}`, res.status);
  const body = (await res.json()) as { keys?: JsonWebKey[] };
  const keys = Array.isArray(body.keys) ? body.keys : [];
  jwksCache.set(jwksUri, { keys, at: Date.now() });
  const key = pick(keys);
  if (!key) throw new IdTokenError("id_token key is not in Xero's JWKS");
  return key;
}
