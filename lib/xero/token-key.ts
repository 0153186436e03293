import { eq, ne } from "drizzle-orm";
import { logServerError } from "@/lib/log";
import { getDb, type Db } from "@/lib/db";
import { encryptionCanaries, xeroConnections } from "@/lib/db/schema";
import { ciphertextKeyId, configuredKeyIds, decryptSecret, encryptSecret, isKeyConfigurationError, randomToken, TokenCryptoError } from "./token-crypto";

/**
 * Does this server hold the key the stored secrets were written with? Answered from a canary: a
 * known value encrypted under the key in use when it was written (encryption_canaries), so a
 * replica started with another key, or a rotation that dropped TOKEN_ENCRYPTION_KEY_PREVIOUS too
 * early, is reported at start-up and by /api/health, in one line, before any token is touched.
 * Nothing is marked on any connection for it: the operator fixes the configuration.
 */

export const CANARY_ID = "token_encryption_key";
const CANARY_PREFIX = "xero-sync key canary ";

export type TokenKeyCheck =
  | { ok: true; /** The key the canary was written with; null when no key is configured (nothing stored). */ keyId: string | null; written: boolean }
  | { ok: false; reason: "missing_key" | "unknown_key" | "unreadable"; /** One line for the operator (key ids are hashes, not keys). */ message: string };

const FIX = "Give every instance the same TOKEN_ENCRYPTION_KEY (while rotating, the old key as TOKEN_ENCRYPTION_KEY_PREVIOUS), then run npm run tokens:reencrypt.";

/** The canary value, encrypted under the current key (for the first start and the re-encryption). */
export function newCanaryValue(): string {
  return encryptSecret(`${CANARY_PREFIX}${randomToken(12)}`, "key_canary", CANARY_ID);
}

/**
 * Checks the configured keys against the canary, writing the canary on first start (after making
 * sure the key reads a token set already stored, if any). Safe to call from several processes
 * and on every health check: it reads one row, and writes only when there is none.
 */
export async function checkTokenKey(db: Db): Promise<TokenKeyCheck> {
  let [canary] = await db.select().from(encryptionCanaries).where(eq(encryptionCanaries.id, CANARY_ID));
  let configured: string[];
  try {
    configured = configuredKeyIds();
  } catch {
    // Without a key nothing can have been stored encrypted, unless something already was.
    if (!canary && !(await sampleTokenSet(db))) return { ok: true, keyId: null, written: false };
    return { ok: false, reason: "missing_key", message: `TOKEN_ENCRYPTION_KEY is not set, but Xero tokens are stored encrypted. ${FIX}` };
  }

  let written = false;
  if (!canary) {
    const sample = await sampleTokenSet(db);
    if (sample) {
      try {
        decryptSecret(sample.tokenSetEncrypted, "xero_token_set", sample.id);
      } catch (error) {
        // A damaged row is that row's problem; a key that opens none of them is the server's.
        if (isKeyConfigurationError(error)) return mismatch(ciphertextKeyId(sample.tokenSetEncrypted), configured);
      }
    }
    const inserted = await db.insert(encryptionCanaries).values({ id: CANARY_ID, valueEncrypted: newCanaryValue() }).onConflictDoNothing().returning();
    written = inserted.length > 0;
    // Another instance may have written it first, with its own key: check against that one.
    [canary] = written ? inserted : await db.select().from(encryptionCanaries).where(eq(encryptionCanaries.id, CANARY_ID));
    if (!canary) return { ok: false, reason: "unreadable", message: "The key canary (encryption_canaries) could not be written." };
  }

  try {
    const value = decryptSecret(canary.valueEncrypted, "key_canary", CANARY_ID);
    if (!value.startsWith(CANARY_PREFIX)) throw new TokenCryptoError("the canary decrypted to an unexpected value", "unreadable");
  } catch (error) {
    if (isKeyConfigurationError(error)) return mismatch(ciphertextKeyId(canary.valueEncrypted), configured);
    return {
      ok: false,
      reason: "unreadable",
      message: `The key canary in encryption_canaries names this server's key but does not authenticate (was it edited?). Delete that row to write a new one at the next start.`,
    };
  }
  return { ok: true, keyId: ciphertextKeyId(canary.valueEncrypted), written };
}

function mismatch(stored: string | null, configured: string[]): TokenKeyCheck {
  const need = stored ? `they were saved with key id ${stored}` : "they were saved with another key";
  return {
    ok: false,
    reason: "unknown_key",
    message: `TOKEN_ENCRYPTION_KEY cannot read the stored Xero tokens: ${need}, this server has ${configured.join(", ")}. ${FIX}`,
  };
}

async function sampleTokenSet(db: Db): Promise<{ id: string; tokenSetEncrypted: string } | undefined> {
  const [row] = await db
    .select({ id: xeroConnections.id, tokenSetEncrypted: xeroConnections.tokenSetEncrypted })
    .from(xeroConnections)
    .where(ne(xeroConnections.tokenSetEncrypted, ""))
    .limit(1);
  return row;
}

/**
 * For instrumentation.ts: checks the key once at start-up and prints one line when it is wrong
 * (/api/health then answers 503 until it is fixed). Never throws.
 */
export async function checkTokenKeyAtStartup(): Promise<TokenKeyCheck | undefined> {
  try {
    const result = await checkTokenKey(await getDb());
    if (!result.ok) console.error(`[tokens] ${result.message}`);
    return result;
  } catch (error) {
    logServerError("tokens: key check", error);
    return undefined;
  }
}
