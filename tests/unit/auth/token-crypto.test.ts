import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { resetEnvCache } from "@/lib/env";
import { decryptSecret, encryptSecret, pkceChallenge, sha256Hex, TokenCryptoError } from "@/lib/xero/token-crypto";

const key = randomBytes(32);

describe("token-crypto", () => {
  afterEach(() => {
    delete process.env.TOKEN_ENCRYPTION_KEY;
    resetEnvCache();
  });

  it("round-trips with a versioned format and a fresh IV each time", () => {
    const a = encryptSecret("refresh-token-value", "xero_token_set", key);
    const b = encryptSecret("refresh-token-value", "xero_token_set", key);
    expect(a).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain("refresh-token-value");
    expect(decryptSecret(a, "xero_token_set", key)).toBe("refresh-token-value");
  });

  it("refuses another purpose, another key, a tampered value or an unknown version", () => {
    const v = encryptSecret("s3cret", "xero_pkce_verifier", key);
    expect(() => decryptSecret(v, "xero_token_set", key)).toThrow(TokenCryptoError);
    expect(() => decryptSecret(v, "xero_pkce_verifier", randomBytes(32))).toThrow(TokenCryptoError);
    const parts = v.split(".");
    const ct = Buffer.from(parts[3]!, "base64url");
    ct[0] = ct[0]! ^ 1;
    expect(() => decryptSecret([parts[0], parts[1], parts[2], ct.toString("base64url")].join("."), "xero_pkce_verifier", key)).toThrow(TokenCryptoError);
    try {
      decryptSecret(`v2.${parts.slice(1).join(".")}`, "xero_pkce_verifier", key);
      expect.unreachable();
    } catch (e) {
      expect((e as TokenCryptoError).logMessage).toMatch(/unknown ciphertext format/);
    }
  });

  it("reads TOKEN_ENCRYPTION_KEY (hex or base64) from the environment and says when it is missing, without exposing it", () => {
    process.env.TOKEN_ENCRYPTION_KEY = key.toString("hex");
    resetEnvCache();
    const hexEncrypted = encryptSecret("x", "xero_nonce");
    process.env.TOKEN_ENCRYPTION_KEY = key.toString("base64");
    resetEnvCache();
    expect(decryptSecret(hexEncrypted, "xero_nonce")).toBe("x");

    delete process.env.TOKEN_ENCRYPTION_KEY;
    resetEnvCache();
    const error = (() => {
      try {
        encryptSecret("x", "xero_nonce");
      } catch (e) {
        return e as TokenCryptoError;
      }
    })();
    expect(error).toBeInstanceOf(TokenCryptoError);
    expect(error!.logMessage).toMatch(/TOKEN_ENCRYPTION_KEY is not set/);
    expect(error!.publicMessage).not.toMatch(/KEY/);
  });

  it("PKCE S256 matches RFC 7636's example; sha256Hex is hex", () => {
    expect(pkceChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")).toBe("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    expect(sha256Hex("abc")).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe("key rotation", () => {
  afterEach(() => {
    delete process.env.TOKEN_ENCRYPTION_KEY;
    delete process.env.TOKEN_ENCRYPTION_KEY_PREVIOUS;
    resetEnvCache();
  });

  it("reads values written with TOKEN_ENCRYPTION_KEY_PREVIOUS and writes with the current key", () => {
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);
    const old = encryptSecret("rt", "xero_token_set", oldKey);
    process.env.TOKEN_ENCRYPTION_KEY = newKey.toString("base64");
    resetEnvCache();
    expect(() => decryptSecret(old, "xero_token_set")).toThrow(TokenCryptoError);
    process.env.TOKEN_ENCRYPTION_KEY_PREVIOUS = oldKey.toString("hex");
    resetEnvCache();
    expect(decryptSecret(old, "xero_token_set")).toBe("rt");
    const fresh = encryptSecret("rt2", "xero_token_set");
    expect(decryptSecret(fresh, "xero_token_set", newKey)).toBe("rt2");
  });
});
