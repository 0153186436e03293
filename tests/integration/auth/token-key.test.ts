import { randomBytes } from "node:crypto";
import { eq, isNull } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { GET as health } from "@/app/api/health/route";
import type { DatabaseHandle } from "@/lib/db";
import { encryptionCanaries, xeroAuthRequests, xeroConnections } from "@/lib/db/schema";
import { decodeKey } from "@/lib/env";
import { holdTokenRequest, type RunningSimulator } from "@/lib/xero-simulator";
import { completeXeroConnect } from "@/lib/xero/connect-flow";
import { ciphertextKeyId, decryptSecret, keyId } from "@/lib/xero/token-crypto";
import { checkTokenKey } from "@/lib/xero/token-key";
import { reencryptSecrets } from "@/lib/xero/token-reencrypt";
import { decryptTokenSet, getValidAccessToken } from "@/lib/xero/token-store";
import type { TestDatabase } from "../../helpers/db";
import { legacyEncrypt } from "../../helpers/legacy-crypto";
import { clearSimLog, createUser, simLog, startAndConsent, useSimulatorEnv, withSimulatorAndDatabase } from "./helpers";

/**
 * The key canary (start-up and /api/health say when TOKEN_ENCRYPTION_KEY cannot read what is
 * stored) and `npm run tokens:reencrypt` (every encrypted column rewritten under the current key,
 * legacy rows included, safely next to a running refresh).
 */

let tdb: TestDatabase;
let sim: RunningSimulator;
withSimulatorAndDatabase((w) => ({ sim, tdb } = w));

const newKey = () => randomBytes(32).toString("base64");
const idOf = (key: string) => keyId(decodeKey(key)!);

/** Not a React hook, whatever its name says. */
const pointEnvAtSim = useSimulatorEnv;

/** Runs `fn` with these keys configured, then restores the file's key. */
async function withKeys<T>(current: string | undefined, previous: string | undefined, fn: () => Promise<T>): Promise<T> {
  const original = process.env.TOKEN_ENCRYPTION_KEY!;
  pointEnvAtSim(sim, { TOKEN_ENCRYPTION_KEY: current ?? "", TOKEN_ENCRYPTION_KEY_PREVIOUS: previous });
  try {
    return await fn();
  } finally {
    pointEnvAtSim(sim, { TOKEN_ENCRYPTION_KEY: original });
  }
}

async function connected(email: string) {
  const user = await createUser(tdb.db, email);
  const result = await completeXeroConnect(tdb.db, user.id, (await startAndConsent(tdb.db, user.id, { tenants: "0" })).params);
  return { user, connection: result.connection };
}

async function connectionRow(id: string) {
  const [row] = await tdb.db.select().from(xeroConnections).where(eq(xeroConnections.id, id));
  return row!;
}

describe("key canary", () => {
  it("the first start writes it under the current key; later checks read it; the previous key is accepted", async () => {
    const first = await checkTokenKey(tdb.db);
    expect(first).toEqual({ ok: true, keyId: idOf(process.env.TOKEN_ENCRYPTION_KEY!), written: true });
    expect(await checkTokenKey(tdb.db)).toMatchObject({ ok: true, written: false });
    const [canary] = await tdb.db.select().from(encryptionCanaries);
    expect(canary!.valueEncrypted).toMatch(/^v2\./);
    // Mid-rotation: the canary is still under the previous key.
    const current = process.env.TOKEN_ENCRYPTION_KEY!;
    expect(await withKeys(newKey(), current, () => checkTokenKey(tdb.db))).toMatchObject({ ok: true, keyId: idOf(current) });
  });

  it("another key is reported in one line naming both key ids, and /api/health answers 503 without them", async () => {
    await checkTokenKey(tdb.db);
    const stored = process.env.TOKEN_ENCRYPTION_KEY!;
    const wrong = newKey();
    const global = globalThis as unknown as { __xeroSyncDb?: Promise<DatabaseHandle> };
    global.__xeroSyncDb = Promise.resolve(tdb);
    try {
      const ok = await health();
      expect(ok.status).toBe(200);
      await withKeys(wrong, undefined, async () => {
        const result = await checkTokenKey(tdb.db);
        expect(result.ok).toBe(false);
        if (result.ok) return;
        expect(result.reason).toBe("unknown_key");
        expect(result.message).not.toContain("\n");
        expect(result.message).toContain(idOf(stored));
        expect(result.message).toContain(idOf(wrong));
        expect(result.message).toMatch(/TOKEN_ENCRYPTION_KEY_PREVIOUS/);

        const res = await health();
        expect(res.status).toBe(503);
        const body = (await res.json()) as { ok: boolean; error: { code: string; message: string } };
        expect(body).toMatchObject({ ok: false, error: { code: "token_key_mismatch" } });
        expect(body.error.message).not.toContain(idOf(stored));
      });
    } finally {
      global.__xeroSyncDb = undefined;
    }
  });

  it("is not written by a key that cannot read the tokens already stored (first start on an existing database)", async () => {
    await connected("canary@example.com");
    const wrong = newKey();
    const result = await withKeys(wrong, undefined, () => checkTokenKey(tdb.db));
    expect(result).toMatchObject({ ok: false, reason: "unknown_key" });
    expect(await tdb.db.select().from(encryptionCanaries)).toHaveLength(0);
    // With the right key it is written.
    expect(await checkTokenKey(tdb.db)).toMatchObject({ ok: true, written: true });
  });

  it("without any key: fine while nothing is stored, an error once something is", async () => {
    expect(await withKeys(undefined, undefined, () => checkTokenKey(tdb.db))).toMatchObject({ ok: true, keyId: null });
    await checkTokenKey(tdb.db);
    expect(await withKeys(undefined, undefined, () => checkTokenKey(tdb.db))).toMatchObject({ ok: false, reason: "missing_key" });
  });
});

describe("tokens:reencrypt", () => {
  it("rewrites legacy token sets, PKCE verifiers and the canary under the new key; the old key can then go", async () => {
    const k0 = process.env.TOKEN_ENCRYPTION_KEY!;
    const { connection } = await connected("legacy@example.com");
    const pendingUser = await createUser(tdb.db, "pending@example.com");
    const pending = await startAndConsent(tdb.db, pendingUser.id, { tenants: "1" });
    await checkTokenKey(tdb.db);

    // Rows as the code before key ids wrote them (same key K0).
    const plain = decryptSecret(connection.tokenSetEncrypted, "xero_token_set", connection.id);
    await tdb.db.update(xeroConnections).set({ tokenSetEncrypted: legacyEncrypt(plain, "xero_token_set", decodeKey(k0)!) }).where(eq(xeroConnections.id, connection.id));
    const [request] = await tdb.db.select().from(xeroAuthRequests).where(isNull(xeroAuthRequests.usedAt));
    await tdb.db
      .update(xeroAuthRequests)
      .set({
        codeVerifierEncrypted: legacyEncrypt(decryptSecret(request!.codeVerifierEncrypted, "xero_pkce_verifier", request!.stateHash), "xero_pkce_verifier", decodeKey(k0)!),
        nonce: legacyEncrypt(decryptSecret(request!.nonce!, "xero_nonce", request!.stateHash), "xero_nonce", decodeKey(k0)!),
      })
      .where(eq(xeroAuthRequests.stateHash, request!.stateHash));
    // Still read as they are.
    const before = await getValidAccessToken(tdb.db, connection.id);
    expect(before.accessToken).toBe(JSON.parse(plain).access_token);

    const k1 = newKey();
    const report = await withKeys(k1, k0, () => reencryptSecrets(tdb.db));
    expect(report).toMatchObject({
      keyId: idOf(k1),
      tokenSets: { rewritten: 1, current: 0, failed: 0 },
      authRequests: { rewritten: 2, current: 0, failed: 0 }, // the pending attempt, and the one connected() used
      canary: "rewritten",
      problems: [],
    });

    await withKeys(k1, undefined, async () => {
      const row = await connectionRow(connection.id);
      expect(ciphertextKeyId(row.tokenSetEncrypted)).toBe(idOf(k1));
      expect(row.status).toBe("active");
      expect((await getValidAccessToken(tdb.db, connection.id)).accessToken).toBe(before.accessToken);
      expect(await checkTokenKey(tdb.db)).toMatchObject({ ok: true, keyId: idOf(k1) });
      // The pending Connect Xero attempt completes with its re-encrypted verifier and nonce.
      const done = await completeXeroConnect(tdb.db, pendingUser.id, pending.params);
      expect(done.tenants.map((t) => t.name)).toEqual(["Beta Ltd"]);
      // Running it again finds nothing to do.
      expect(await reencryptSecrets(tdb.db)).toMatchObject({ tokenSets: { rewritten: 0, current: 2 }, canary: "current" });
    });
    // An instance still on the old key alone is now told so.
    expect(await withKeys(k0, undefined, () => checkTokenKey(tdb.db))).toMatchObject({ ok: false, reason: "unknown_key" });
  });

  it("a value under a key this server lacks is left as it was, listed, and the canary keeps naming the old key", async () => {
    const k0 = process.env.TOKEN_ENCRYPTION_KEY!;
    const { connection } = await connected("missing@example.com");
    await checkTokenKey(tdb.db);
    const report = await withKeys(newKey(), undefined, () => reencryptSecrets(tdb.db));
    expect(report.tokenSets).toEqual({ rewritten: 0, current: 0, failed: 1 });
    expect(report.canary).toBe("kept");
    expect(report.authRequests).toEqual({ rewritten: 0, current: 0, failed: 1 });
    expect(report.problems).toEqual([
      expect.stringContaining(`xero_connections ${connection.id}: xero_token_set was encrypted with key id ${idOf(k0)}`),
      expect.stringMatching(/^xero_auth_requests [0-9a-f]{12}…: xero_pkce_verifier was encrypted with key id/),
    ]);
    expect((await connectionRow(connection.id)).tokenSetEncrypted).toBe(connection.tokenSetEncrypted);
    expect(await checkTokenKey(tdb.db)).toMatchObject({ ok: true, keyId: idOf(k0) });
  });

  it("next to a refresh waiting on Xero, it keeps the rotated pair (and re-encrypts nothing twice)", async () => {
    const k0 = process.env.TOKEN_ENCRYPTION_KEY!;
    const { connection } = await connected("busy@example.com");
    const old = decryptTokenSet(connection.id, connection.tokenSetEncrypted);
    await tdb.db.update(xeroConnections).set({ accessTokenExpiresAt: new Date(Date.now() + 30_000) }).where(eq(xeroConnections.id, connection.id));
    const k1 = newKey();
    await withKeys(k1, k0, async () => {
      const hold = holdTokenRequest(sim.sim);
      const refreshing = getValidAccessToken(tdb.db, connection.id);
      try {
        await hold.arrived;
        const reencrypting = reencryptSecrets(tdb.db);
        hold.release();
        const [refreshed, report] = await Promise.all([refreshing, reencrypting]);
        expect(report.tokenSets.failed).toBe(0);
        const row = await connectionRow(connection.id);
        expect(ciphertextKeyId(row.tokenSetEncrypted)).toBe(idOf(k1));
        const stored = decryptTokenSet(row.id, row.tokenSetEncrypted);
        expect(stored.accessToken).toBe(refreshed.accessToken);
        expect(stored.refreshToken).not.toBe(old.refreshToken);
      } finally {
        hold.release();
        await refreshing.catch(() => {});
      }
    });
    // The stored refresh token is the live one: the next refresh works with a single request.
    await clearSimLog(sim);
    await withKeys(k1, undefined, () => getValidAccessToken(tdb.db, connection.id, { forceRefresh: true }));
    const requests = await simLog(sim, "/connect/token");
    expect(requests.map((r) => r.status)).toEqual([200]);
  });
});
