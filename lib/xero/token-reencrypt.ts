import { and, eq, ne } from "drizzle-orm";
import type { Db } from "@/lib/db";
import { alertWebhooks, encryptionCanaries, xeroAuthRequests, xeroConnections } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { ciphertextKeyId, currentKeyId, decryptSecret, encryptSecret, isKeyConfigurationError, TokenCryptoError } from "./token-crypto";
import { CANARY_ID, newCanaryValue } from "./token-key";
import { withConnectionTokenLock } from "./token-store";

/**
 * Rewrites every encrypted column under the current TOKEN_ENCRYPTION_KEY, in the current format:
 * token sets (xero_connections), PKCE verifiers and nonces (xero_auth_requests), alert webhooks'
 * signing secrets (alert_webhooks), and last the key canary. After it, TOKEN_ENCRYPTION_KEY_PREVIOUS can be removed. Values already written with the
 * current key are left alone, so it can be run again at any time.
 *
 * Safe while the app runs (on PostgreSQL; PGlite admits one process): each token set is rewritten
 * under the same connection lock as a refresh, so it never overwrites a rotated pair with the old
 * one, and every update only applies if the row still holds the value that was read.
 */

export interface ReencryptCounts {
  rewritten: number;
  /** Already under the current key. */
  current: number;
  /** Left as they were (see `problems`). */
  failed: number;
}

export interface ReencryptReport {
  keyId: string;
  tokenSets: ReencryptCounts;
  authRequests: ReencryptCounts;
  alertSecrets: ReencryptCounts;
  /** kept: some value needs a key this server lacks, so the canary still names the old key. */
  canary: "rewritten" | "current" | "kept";
  /** One line per row left as it was: its table, id and why (no secret). */
  problems: string[];
}

export async function reencryptSecrets(db: Db): Promise<ReencryptReport> {
  const keyId = currentKeyId();
  const isCurrent = (value: string) => ciphertextKeyId(value) === keyId;
  const report: ReencryptReport = {
    keyId,
    tokenSets: { rewritten: 0, current: 0, failed: 0 },
    authRequests: { rewritten: 0, current: 0, failed: 0 },
    alertSecrets: { rewritten: 0, current: 0, failed: 0 },
    canary: "current",
    problems: [],
  };
  let missingKey = false;
  const fail = (counts: ReencryptCounts, where: string, error: unknown) => {
    counts.failed++;
    if (isKeyConfigurationError(error)) missingKey = true;
    report.problems.push(`${where}: ${error instanceof TokenCryptoError ? error.logMessage : error instanceof Error ? error.message : String(error)}`);
  };

  const connections = await db
    .select({ id: xeroConnections.id, value: xeroConnections.tokenSetEncrypted })
    .from(xeroConnections)
    .where(ne(xeroConnections.tokenSetEncrypted, ""));
  for (const { id, value } of connections) {
    if (isCurrent(value)) {
      report.tokenSets.current++;
      continue;
    }
    try {
      const rewritten = await withConnectionTokenLock(db, id, async (ldb, locked) => {
        // Under the lock: a refresh may have stored a new pair (under the current key) meanwhile.
        const old = locked.tokenSetEncrypted;
        if (!old || isCurrent(old)) return false;
        const next = encryptSecret(decryptSecret(old, "xero_token_set", id), "xero_token_set", id);
        const done = await ldb
          .update(xeroConnections)
          .set({ tokenSetEncrypted: next })
          .where(and(eq(xeroConnections.id, id), eq(xeroConnections.tokenSetEncrypted, old)))
          .returning({ id: xeroConnections.id });
        return done.length > 0;
      });
      if (rewritten) report.tokenSets.rewritten++;
      else report.tokenSets.current++;
    } catch (error) {
      if (error instanceof AppError && error.type === "not_found") continue; // deleted meanwhile
      fail(report.tokenSets, `xero_connections ${id}`, error);
    }
  }

  const requests = await db
    .select({ stateHash: xeroAuthRequests.stateHash, verifier: xeroAuthRequests.codeVerifierEncrypted, nonce: xeroAuthRequests.nonce })
    .from(xeroAuthRequests);
  for (const { stateHash, verifier, nonce } of requests) {
    if (isCurrent(verifier) && (nonce === null || isCurrent(nonce))) {
      report.authRequests.current++;
      continue;
    }
    try {
      const nextVerifier = encryptSecret(decryptSecret(verifier, "xero_pkce_verifier", stateHash), "xero_pkce_verifier", stateHash);
      const nextNonce = nonce === null ? null : encryptSecret(decryptSecret(nonce, "xero_nonce", stateHash), "xero_nonce", stateHash);
      // These columns are written once, at the start of the attempt: a miss means it was deleted.
      await db
        .update(xeroAuthRequests)
        .set({ codeVerifierEncrypted: nextVerifier, nonce: nextNonce })
        .where(and(eq(xeroAuthRequests.stateHash, stateHash), eq(xeroAuthRequests.codeVerifierEncrypted, verifier)));
      report.authRequests.rewritten++;
    } catch (error) {
      fail(report.authRequests, `xero_auth_requests ${stateHash.slice(0, 12)}…`, error);
    }
  }

  const hooks = await db.select({ userId: alertWebhooks.userId, value: alertWebhooks.secretEncrypted }).from(alertWebhooks);
  for (const { userId, value } of hooks) {
    if (isCurrent(value)) {
      report.alertSecrets.current++;
      continue;
    }
    try {
      const next = encryptSecret(decryptSecret(value, "alert_webhook_secret", userId), "alert_webhook_secret", userId);
      // Only if still the value read: a rotation meanwhile wrote a new secret under the current key.
      await db
        .update(alertWebhooks)
        .set({ secretEncrypted: next })
        .where(and(eq(alertWebhooks.userId, userId), eq(alertWebhooks.secretEncrypted, value)));
      report.alertSecrets.rewritten++;
    } catch (error) {
      fail(report.alertSecrets, `alert_webhooks ${userId}`, error);
    }
  }

  // Last: the canary vouches for the key only once nothing needs the old one.
  const [canary] = await db.select().from(encryptionCanaries).where(eq(encryptionCanaries.id, CANARY_ID));
  if (missingKey) {
    report.canary = "kept";
  } else if (!canary || !isCurrent(canary.valueEncrypted)) {
    const valueEncrypted = newCanaryValue();
    await db
      .insert(encryptionCanaries)
      .values({ id: CANARY_ID, valueEncrypted })
      .onConflictDoUpdate({ target: encryptionCanaries.id, set: { valueEncrypted, updatedAt: new Date() } });
    report.canary = "rewritten";
  }
  return report;
}
