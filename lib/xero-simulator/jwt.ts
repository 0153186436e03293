/** RS256 JWTs and the JWKS, with node:crypto only. */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, randomUUID, sign } from "node:crypto";

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  jwk: Record<string, unknown>;
}

let shared: SigningKey | undefined;

/** One RSA key per process: generating 2048-bit keys costs ~100 ms, and tests start many simulators. */
export function signingKey(): SigningKey {
  if (!shared) {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const kid = randomUUID().replace(/-/g, "").slice(0, 32).toUpperCase();
    const jwk = { ...publicKey.export({ format: "jwk" }), kid, kty: "RSA", use: "sig", alg: "RS256", e: "AQAB" };
    shared = { kid, privateKey, jwk };
  }
  return shared;
}

/** Uses a saved key (demo persistence), so tokens and JWKS stay the same across restarts. */
export function adoptSigningKey(kid: string, privateKeyPem: string): void {
  const privateKey = createPrivateKey(privateKeyPem);
  const jwk = { ...createPublicKey(privateKey).export({ format: "jwk" }), kid, kty: "RSA", use: "sig", alg: "RS256", e: "AQAB" };
  shared = { kid, privateKey, jwk };
}

export function exportSigningKey(): { kid: string; pem: string } {
  const k = signingKey();
  return { kid: k.kid, pem: k.privateKey.export({ format: "pem", type: "pkcs8" }).toString() };
}

const b64url = (b: Buffer | string) => Buffer.from(b).toString("base64url");

export function signJwt(payload: Record<string, unknown>, key: SigningKey = signingKey()): string {
  const header = { alg: "RS256", kid: key.kid, typ: "JWT", x5t: key.kid };
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  const sig = sign("sha256", Buffer.from(input), key.privateKey);
  return `${input}.${b64url(sig)}`;
}

/** Decodes (does not verify) a JWT payload. */
export function decodeJwt(token: string): Record<string, unknown> | null {
  const part = token.split(".")[1];
  if (!part) return null;
  try {
    return JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/** OIDC at_hash: base64url of the left half of SHA-256 of the access token. */
export function atHash(accessToken: string): string {
  const h = createHash("sha256").update(accessToken).digest();
  return b64url(h.subarray(0, h.length / 2));
}
