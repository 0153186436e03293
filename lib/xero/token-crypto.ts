import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { decodeKey, getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";

/**
 * AES-256-GCM for secrets at rest (Xero token sets, PKCE verifiers, the key canary), after dub's
 * `encrypt()`.
 *
 * Format: `v2.<key id>.<iv>.<tag>.<ciphertext>` (base64url parts). The key id is a short hash of
 * the key that wrote the value, so a reader knows which configured key to use and, when it has
 * none, can tell "this server lacks the key" (a configuration error: nothing is wrong with the
 * row) from "the key is right but the value does not authenticate" (the row is damaged). The GCM
 * additional data is `v2:<purpose>:<boundTo>`, where `boundTo` is the id of the row that holds the
 * value: a ciphertext copied into another column or another row fails to decrypt.
 *
 * Values written before key ids existed (`v1.<iv>.<tag>.<ciphertext>`, additional data
 * `v1:<purpose>`) are still read, by trying every configured key; one that no key opens counts as
 * a missing key, because that is what a rotation without TOKEN_ENCRYPTION_KEY_PREVIOUS looks
 * like. `npm run tokens:reencrypt` rewrites them in the current format.
 *
 * Keys: TOKEN_ENCRYPTION_KEY (writes and reads) and TOKEN_ENCRYPTION_KEY_PREVIOUS (reads only),
 * 32 bytes, hex or base64, read through getEnv().
 */

export type SecretPurpose = "xero_token_set" | "xero_pkce_verifier" | "xero_nonce" | "key_canary" | "alert_webhook_secret";

const VERSION = "v2";
const LEGACY_VERSION = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * missing_key: no TOKEN_ENCRYPTION_KEY; unknown_key: the value was written with a key this server
 * is not configured with (both configuration errors: no row is at fault); unreadable: the key is
 * right but the value is tampered, bound to another row, or not in a known format.
 */
export type TokenCryptoErrorKind = "missing_key" | "unknown_key" | "unreadable";

/** What people see when this server's keys cannot read what is stored: the operator must act, not they. */
export const KEY_MISMATCH_MESSAGE =
  "This server cannot read the stored Xero authorisations: its TOKEN_ENCRYPTION_KEY is not the key they were saved with. This is a server configuration problem (see /api/health); reconnecting is not needed.";
const MISSING_KEY_MESSAGE =
  "This server has no TOKEN_ENCRYPTION_KEY, which it needs to store and read Xero authorisations. This is a server configuration problem; reconnecting is not needed.";

export class TokenCryptoError extends AppError {
  constructor(
    message: string,
    readonly kind: TokenCryptoErrorKind,
    options?: { cause?: unknown },
  ) {
    // A wrong key is the operator's to fix and says so; other details (tampering) are for logs.
    super("internal", kind === "unknown_key" ? KEY_MISMATCH_MESSAGE : kind === "missing_key" ? MISSING_KEY_MESSAGE : undefined, options);
    this.name = "TokenCryptoError";
    this.logMessage = message;
  }
  readonly logMessage: string;
}

/** True when the server's key configuration, not the stored value, is why decryption failed. */
export function isKeyConfigurationError(error: unknown): error is TokenCryptoError {
  return error instanceof TokenCryptoError && (error.kind === "missing_key" || error.kind === "unknown_key");
}

/** The id written into ciphertexts: 8 base64url characters of SHA-256 over the key (not reversible). */
export function keyId(key: Buffer): string {
  return createHash("sha256").update("xero-sync token key id\0").update(key).digest().subarray(0, 6).toString("base64url");
}

interface ConfiguredKey {
  id: string;
  key: Buffer;
}

function envKey(name: "TOKEN_ENCRYPTION_KEY" | "TOKEN_ENCRYPTION_KEY_PREVIOUS"): Buffer | null {
  const value = getEnv()[name];
  return value ? decodeKey(value) : null;
}

function currentKey(key?: Buffer): ConfiguredKey {
  const k = key ?? envKey("TOKEN_ENCRYPTION_KEY");
  if (!k) {
    throw new TokenCryptoError("TOKEN_ENCRYPTION_KEY is not set (32 random bytes: openssl rand -base64 32)", "missing_key");
  }
  return { id: keyId(k), key: k };
}

/** Keys to decrypt with: the current one, then TOKEN_ENCRYPTION_KEY_PREVIOUS (rotation). */
function decryptionKeys(key?: Buffer): ConfiguredKey[] {
  if (key) return [currentKey(key)];
  const keys = [currentKey()];
  const previous = envKey("TOKEN_ENCRYPTION_KEY_PREVIOUS");
  if (previous) keys.push({ id: keyId(previous), key: previous });
  return keys;
}

/** Ids of the keys this server is configured with (current first), for operator messages. */
export function configuredKeyIds(): string[] {
  return decryptionKeys().map((k) => k.id);
}

/** Id of TOKEN_ENCRYPTION_KEY (throws TokenCryptoError "missing_key" when unset). */
export function currentKeyId(): string {
  return currentKey().id;
}

/** The key id a stored value names, or null for the legacy format (which names none). */
export function ciphertextKeyId(value: string): string | null {
  const parts = value.split(".");
  return parts[0] === VERSION && parts.length === 5 ? (parts[1] ?? null) : null;
}

const b64 = (buf: Buffer) => buf.toString("base64url");

/**
 * Encrypts `plaintext` for `purpose`, bound to the row `boundTo` (its primary key). `key`
 * overrides the environment's key (tests).
 */
export function encryptSecret(plaintext: string, purpose: SecretPurpose, boundTo: string, key?: Buffer): string {
  const k = currentKey(key);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", k.key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(`${VERSION}:${purpose}:${boundTo}`));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [VERSION, k.id, b64(iv), b64(cipher.getAuthTag()), b64(ciphertext)].join(".");
}

function open(key: Buffer, aad: string, iv: string, tag: string, ciphertext: string): string {
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"), { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
}

/**
 * Decrypts what encryptSecret wrote for the same purpose and row. Throws TokenCryptoError:
 * "unknown_key" / "missing_key" when this server lacks the key (isKeyConfigurationError), and
 * "unreadable" when the value itself is at fault.
 */
export function decryptSecret(value: string, purpose: SecretPurpose, boundTo: string, key?: Buffer): string {
  const parts = value.split(".");
  const keys = decryptionKeys(key);
  if (parts[0] === VERSION && parts.length === 5) {
    const [, id, iv, tag, ciphertext] = parts as [string, string, string, string, string];
    const k = keys.find((c) => c.id === id);
    if (!k) {
      throw new TokenCryptoError(
        `${purpose} was encrypted with key id ${id}; this server has ${keys.map((c) => c.id).join(", ")} (TOKEN_ENCRYPTION_KEY / TOKEN_ENCRYPTION_KEY_PREVIOUS)`,
        "unknown_key",
      );
    }
    try {
      return open(k.key, `${VERSION}:${purpose}:${boundTo}`, iv, tag, ciphertext);
    } catch (error) {
      throw new TokenCryptoError(`cannot decrypt ${purpose} with key id ${id} (tampered, or copied from another row)`, "unreadable", { cause: error });
    }
  }
  if (parts[0] === LEGACY_VERSION && parts.length === 4) {
    const [, iv, tag, ciphertext] = parts as [string, string, string, string];
    let lastError: unknown;
    for (const k of keys) {
      try {
        return open(k.key, `${LEGACY_VERSION}:${purpose}`, iv, tag, ciphertext);
      } catch (error) {
        lastError = error;
      }
    }
    throw new TokenCryptoError(
      `${purpose} (legacy format, no key id) opens with none of the configured keys ${keys.map((c) => c.id).join(", ")}`,
      "unknown_key",
      { cause: lastError },
    );
  }
  throw new TokenCryptoError(`unknown ciphertext format for ${purpose}`, "unreadable");
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
