import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { resetEnvCache } from "@/lib/env";
import {
  ciphertextKeyId,
  decryptSecret,
  encryptSecret,
  isKeyConfigurationError,
  keyId,
  pkceChallenge,
  sha256Hex,
  TokenCryptoError,
} from "@/lib/xero/token-crypto";
import { legacyEncrypt } from "../../helpers/legacy-crypto";

const key = randomBytes(32);
const ROW = "6f1c2a9e-0000-4000-8000-000000000001";

function thrown(fn: () => unknown): TokenCryptoError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(TokenCryptoError);
    return e as TokenCryptoError;
  }
  throw new Error("expected a TokenCryptoError");
}

function useKeys(current?: Buffer, previous?: Buffer) {
  if (current) process.env.TOKEN_ENCRYPTION_KEY = current.toString("base64");
  else delete process.env.TOKEN_ENCRYPTION_KEY;
  if (previous) process.env.TOKEN_ENCRYPTION_KEY_PREVIOUS = previous.toString("hex");
  else delete process.env.TOKEN_ENCRYPTION_KEY_PREVIOUS;
  resetEnvCache();
}

afterEach(() => useKeys());

describe("token-crypto", () => {
  it("round-trips with a versioned format naming the key, and a fresh IV each time", () => {
    const a = encryptSecret("refresh-token-value", "xero_token_set", ROW, key);
    const b = encryptSecret("refresh-token-value", "xero_token_set", ROW, key);
    expect(a).toMatch(/^v2\.[A-Za-z0-9_-]{8}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/);
    expect(ciphertextKeyId(a)).toBe(keyId(key));
    expect(keyId(randomBytes(32))).not.toBe(keyId(key));
    expect(a).not.toBe(b);
    expect(a).not.toContain("refresh-token-value");
    expect(decryptSecret(a, "xero_token_set", ROW, key)).toBe("refresh-token-value");
  });

  it("binds the value to its purpose and its row: another column or another row fails as unreadable", () => {
    const v = encryptSecret("s3cret", "xero_pkce_verifier", ROW, key);
    expect(thrown(() => decryptSecret(v, "xero_token_set", ROW, key)).kind).toBe("unreadable");
    const copied = thrown(() => decryptSecret(v, "xero_pkce_verifier", "6f1c2a9e-0000-4000-8000-000000000002", key));
    expect(copied.kind).toBe("unreadable");
    expect(isKeyConfigurationError(copied)).toBe(false);
    expect(copied.logMessage).toMatch(/copied from another row/);
  });

  it("a tampered value or an unknown version is unreadable", () => {
    const v = encryptSecret("s3cret", "xero_pkce_verifier", ROW, key);
    const parts = v.split(".");
    const ct = Buffer.from(parts[4]!, "base64url");
    ct[0] = ct[0]! ^ 1;
    expect(thrown(() => decryptSecret([...parts.slice(0, 4), ct.toString("base64url")].join("."), "xero_pkce_verifier", ROW, key)).kind).toBe("unreadable");
    const unknown = thrown(() => decryptSecret(`v3.${parts.slice(1).join(".")}`, "xero_pkce_verifier", ROW, key));
    expect(unknown.kind).toBe("unreadable");
    expect(unknown.logMessage).toMatch(/unknown ciphertext format/);
  });

  it("a key the server lacks is a configuration error naming both key ids, not an unreadable value", () => {
    const other = randomBytes(32);
    const v = encryptSecret("s3cret", "xero_token_set", ROW, other);
    useKeys(key);
    const error = thrown(() => decryptSecret(v, "xero_token_set", ROW));
    expect(error.kind).toBe("unknown_key");
    expect(isKeyConfigurationError(error)).toBe(true);
    expect(error.logMessage).toContain(keyId(other));
    expect(error.logMessage).toContain(keyId(key));
    expect(error.publicMessage).toMatch(/configuration problem.*reconnecting is not needed/);
    expect(error.publicMessage).not.toContain(key.toString("base64"));
  });

  it("still reads the legacy format (no key id, no row binding) with the current or the previous key", () => {
    const oldKey = randomBytes(32);
    const legacy = legacyEncrypt('{"access_token":"at"}', "xero_token_set", oldKey);
    useKeys(key, oldKey);
    expect(decryptSecret(legacy, "xero_token_set", ROW)).toBe('{"access_token":"at"}');
    expect(ciphertextKeyId(legacy)).toBeNull();
    useKeys(oldKey);
    expect(decryptSecret(legacyEncrypt("n", "xero_nonce", oldKey), "xero_nonce", ROW)).toBe("n");
    // No configured key opens it: what a rotation that dropped the previous key looks like.
    useKeys(key);
    expect(thrown(() => decryptSecret(legacy, "xero_token_set", ROW)).kind).toBe("unknown_key");
  });

  it("reads TOKEN_ENCRYPTION_KEY (hex or base64) from the environment and says when it is missing, without exposing it", () => {
    process.env.TOKEN_ENCRYPTION_KEY = key.toString("hex");
    resetEnvCache();
    const hexEncrypted = encryptSecret("x", "xero_nonce", ROW);
    process.env.TOKEN_ENCRYPTION_KEY = key.toString("base64");
    resetEnvCache();
    expect(decryptSecret(hexEncrypted, "xero_nonce", ROW)).toBe("x");

    useKeys();
    const error = thrown(() => encryptSecret("x", "xero_nonce", ROW));
    expect(error.kind).toBe("missing_key");
    expect(isKeyConfigurationError(error)).toBe(true);
    expect(error.logMessage).toMatch(/TOKEN_ENCRYPTION_KEY is not set/);
    expect(error.publicMessage).not.toContain(key.toString("hex"));
  });

  it("PKCE S256 matches RFC 7636's example; sha256Hex is hex", () => {
    expect(pkceChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")).toBe("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    expect(sha256Hex("abc")).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe("key rotation", () => {
  it("reads values written with TOKEN_ENCRYPTION_KEY_PREVIOUS (found by key id) and writes with the current key", () => {
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);
    const old = encryptSecret("rt", "xero_token_set", ROW, oldKey);
    useKeys(newKey);
    expect(thrown(() => decryptSecret(old, "xero_token_set", ROW)).kind).toBe("unknown_key");
    useKeys(newKey, oldKey);
    expect(decryptSecret(old, "xero_token_set", ROW)).toBe("rt");
    const fresh = encryptSecret("rt2", "xero_token_set", ROW);
    expect(ciphertextKeyId(fresh)).toBe(keyId(newKey));
    expect(decryptSecret(fresh, "xero_token_set", ROW, newKey)).toBe("rt2");
  });
});
