import { createCipheriv, randomBytes } from "node:crypto";
import type { SecretPurpose } from "@/lib/xero/token-crypto";

/**
 * The at-rest format written before ciphertexts named their key, exactly as that code wrote it:
 * `v1.<iv>.<tag>.<ciphertext>` with GCM additional data `v1:<purpose>` (no row binding). For tests
 * that existing rows still decrypt and are rewritten by `npm run tokens:reencrypt`.
 */
export function legacyEncrypt(plaintext: string, purpose: SecretPurpose, key: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: 16 });
  cipher.setAAD(Buffer.from(`v1:${purpose}`));
  const ct = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return ["v1", iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), ct.toString("base64url")].join(".");
}
