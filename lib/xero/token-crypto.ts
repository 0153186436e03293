import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { decodeKey, getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";

/**
 * AES-256-GCM for secrets at rest (Xero token sets, PKCE verifiers), after dub's `encrypt()`.
 *
 * Format: `v1.<iv>.<tag>.<ciphertext>` (base64url parts). The version prefix lets a later key or
 * algorithm be introduced without guessing how old rows were written. `purpose` is bound as GCM
 * additional data, so a ciphertext written for one column cannot be replayed into another (a
 * verifier pasted into a token column fails to decrypt).
 *
 * The key is TOKEN_ENCRYPTION_KEY (32 bytes, hex or base64), read through getEnv().
 */

export type SecretPurpose = "xero_token_set" | "xero_pkce_verifier" | "xero_nonce";

const VERSION = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class TokenCryptoError extends AppError {
  constructor(
    message: string,
    /** missing_key: no TOKEN_ENCRYPTION_KEY; unreadable: wrong key, tampered value or unknown format. */
    readonly kind: "missing_key" | "unreadable",
    options?: { cause?: unknown },
  ) {
    // The public message stays generic: the details (missing key, tampered ciphertext) are for logs.
    super("internal", undefined, options);
    this.name = "TokenCryptoError";
    this.logMessage = message;
  }
  readonly logMessage: string;
}

function currentKey(key?: Buffer): Buffer {
  if (key) return key;
  const value = getEnv().TOKEN_ENCRYPTION_KEY;
  const decoded = value ? decodeKey(value) : null;
  if (!decoded) {
    throw new TokenCryptoError("TOKEN_ENCRYPTION_KEY is not set (32 random bytes: openssl rand -base64 32)", "missing_key");
  }
  return decoded;
}

/** Keys to try when decrypting: the current one, then TOKEN_ENCRYPTION_KEY_PREVIOUS (rotation). */
function decryptionKeys(key?: Buffer): Buffer[] {
  if (key) return [key];
  const keys = [currentKey()];
  const previous = getEnv().TOKEN_ENCRYPTION_KEY_PREVIOUS;
  const decoded = previous ? decodeKey(previous) : null;
  if (decoded) keys.push(decoded);
  return keys;
}

const b64 = (buf: Buffer) => buf.toString("base64url");

/** Encrypts `plaintext` for `purpose`. `key` overrides the environment's key (tests). */
export function encryptSecret(plaintext: string, purpose: SecretPurpose, key?: Buffer): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", currentKey(key), iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(`${VERSION}:${purpose}`));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [VERSION, b64(iv), b64(cipher.getAuthTag()), b64(ciphertext)].join(".");
}

/** Decrypts what encryptSecret wrote for the same purpose; throws TokenCryptoError otherwise. */
export function decryptSecret(value: string, purpose: SecretPurpose, key?: Buffer): string {
  const parts = value.split(".");
  if (parts.length !== 4 || parts[0] !== VERSION) {
    throw new TokenCryptoError(`unknown ciphertext format for ${purpose}`, "unreadable");
  }
  const [, iv, tag, ciphertext] = parts as [string, string, string, string];
  let lastError: unknown;
  for (const k of decryptionKeys(key)) {
    try {
      const decipher = createDecipheriv("aes-256-gcm", k, Buffer.from(iv, "base64url"), { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(`${VERSION}:${purpose}`));
      decipher.setAuthTag(Buffer.from(tag, "base64url"));
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
    } catch (error) {
      lastError = error;
    }
  }
  throw new TokenCryptoError(`cannot decrypt ${purpose} (wrong TOKEN_ENCRYPTION_KEY or tampered value)`, "unreadable", { cause: lastError });
}

/** Hex SHA-256, for values that are only ever compared (OAuth `state`). */
export function sha256Hex(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

/** A URL-safe random string of `bytes` random bytes (state, nonce, PKCE verifier). */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

/** PKCE S256 challenge of a verifier (RFC 7636 §4.2). */
export function pkceChallenge(verifier: string): string {
  return createHash("sha256").update(verifier).digest("base64url");
}
