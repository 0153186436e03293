import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { xeroAuthRequests, xeroConnections, xeroSessions, xeroTenants } from "@/lib/db/schema";
import { XeroConnectError, type ConnectErrorReason } from "@/lib/xero/connect-errors";
import { completeXeroConnect, purgeStaleAuthRequests, startXeroConnect } from "@/lib/xero/connect-flow";
import { encryptSecret, sha256Hex } from "@/lib/xero/token-crypto";
import { decryptTokenSet } from "@/lib/xero/token-store";
import type { TestDatabase } from "../../helpers/db";
import { consentAt, createUser, dumpSecretsTables, startAndConsent, withSimulatorAndDatabase } from "./helpers";

/**
 * Connect Xero end to end against the simulator over HTTP: the authorisation-code flow with PKCE,
 * state and nonce, the callback's checks, and what is (and is not) stored.
 */

let tdb: TestDatabase;
withSimulatorAndDatabase((w) => ({ tdb } = w));

async function expectConnectError(p: Promise<unknown>, reason: ConnectErrorReason) {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(XeroConnectError);
  expect((error as XeroConnectError).reason).toBe(reason);
}

async function expectNothingStored() {
  const db = tdb.db;
  expect(await db.select().from(xeroConnections)).toHaveLength(0);
  expect(await db.select().from(xeroTenants)).toHaveLength(0);
}

describe("Connect Xero", () => {
  it("records the connection and exactly the organisations granted, with nothing secret in plaintext", async () => {
    const db = tdb.db;
    const user = await createUser(db, "ann@example.com");
    const { url } = await startXeroConnect(db, user.id);
    const authorize = new URL(url);
    expect(authorize.searchParams.get("code_challenge_method")).toBe("S256");
    expect(authorize.searchParams.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(authorize.searchParams.get("nonce")).toBeTruthy();
    const state = authorize.searchParams.get("state")!;

    const params = await consentAt(url, { tenants: "0,1" });
    const result = await completeXeroConnect(db, user.id, params);

    expect(result.reconnected).toBe(false);
    expect(result.tenants.map((t) => t.name).sort()).toEqual(["Alpha Ltd", "Beta Ltd"]);
    expect(result.connection.status).toBe("active");
    expect(result.connection.xeroUserId).toBeTruthy();
    expect(result.connection.authEventId).toBeTruthy();

    // The attempt is consumed; its state is stored only as a hash.
    const [request] = await db.select().from(xeroAuthRequests);
    expect(request!.stateHash).toBe(sha256Hex(state));
    expect(request!.usedAt).toBeInstanceOf(Date);

    const tokens = decryptTokenSet(result.connection.id, result.connection.tokenSetEncrypted);
    expect(tokens.refreshToken).toBeTruthy();
    const dump = await dumpSecretsTables(db);
    for (const secret of [tokens.accessToken, tokens.refreshToken!, tokens.idToken!, params.code!, state, "sim-demo-secret"]) {
      expect(dump.includes(secret), "a secret is stored in plaintext").toBe(false);
    }

    const log = await db.select().from(xeroSessions).where(eq(xeroSessions.userId, user.id));
    expect(log.map((s) => `${s.kind}:${s.outcome}`).sort()).toEqual(["authorize:success", "callback:success"]);
    const callback = log.find((s) => s.kind === "callback")!;
    expect(callback.connectionId).toBe(result.connection.id);
    expect(callback.detail).toMatchObject({ tenantsGranted: 2, reconnected: false });
  });

  it("a reconnect updates the same connection, keeps earlier tenants and records only the newly consented ones", async () => {
    const db = tdb.db;
    const user = await createUser(db, "bob@example.com");
    const first = await completeXeroConnect(db, user.id, (await startAndConsent(db, user.id, { tenants: "0" })).params);
    const second = await completeXeroConnect(db, user.id, (await startAndConsent(db, user.id, { tenants: "2" })).params);

    expect(second.reconnected).toBe(true);
    expect(second.connection.id).toBe(first.connection.id);
    expect(second.tenants.map((t) => t.name)).toEqual(["Gamma Ltd"]);
    expect(await db.select().from(xeroConnections)).toHaveLength(1);
    const tenants = await db.select().from(xeroTenants).where(eq(xeroTenants.userId, user.id));
    expect(tenants.map((t) => `${t.name}:${t.status}`).sort()).toEqual(["Alpha Ltd:active", "Gamma Ltd:active"]);
    // The rotated token set replaced the first one.
    expect(second.connection.tokenSetEncrypted).not.toBe(first.connection.tokenSetEncrypted);
  });

  it("a different Xero user of the same person is a second connection", async () => {
    const db = tdb.db;
    const user = await createUser(db, "cat@example.com");
    await completeXeroConnect(db, user.id, (await startAndConsent(db, user.id, { user: "0", tenants: "0" })).params);
    await completeXeroConnect(db, user.id, (await startAndConsent(db, user.id, { user: "1", tenants: "1" })).params);
    expect(await db.select().from(xeroConnections)).toHaveLength(2);
  });

  it("rejects a callback without state, storing nothing", async () => {
    const db = tdb.db;
    const user = await createUser(db, "dan@example.com");
    const { params } = await startAndConsent(db, user.id);
    await expectConnectError(completeXeroConnect(db, user.id, { code: params.code }), "missing_state");
    await expectNothingStored();
    const [log] = await db.select().from(xeroSessions).where(eq(xeroSessions.kind, "callback"));
    expect(log!.outcome).toBe("error");
    expect(log!.error).toMatch(/^missing_state/);
  });

  it("rejects a forged state, storing nothing", async () => {
    const db = tdb.db;
    const user = await createUser(db, "eve@example.com");
    const { params } = await startAndConsent(db, user.id);
    await expectConnectError(completeXeroConnect(db, user.id, { ...params, state: "forged-state-value" }), "invalid_state");
    await expectNothingStored();
  });

  it("rejects a reused state (the second use of one attempt)", async () => {
    const db = tdb.db;
    const user = await createUser(db, "fay@example.com");
    const { params } = await startAndConsent(db, user.id, { tenants: "0" });
    await completeXeroConnect(db, user.id, params);
    await expectConnectError(completeXeroConnect(db, user.id, params), "reused_state");
    expect(await db.select().from(xeroTenants)).toHaveLength(1);
  });

  it("rejects an expired attempt, storing nothing", async () => {
    const db = tdb.db;
    const user = await createUser(db, "gus@example.com");
    const { params } = await startAndConsent(db, user.id);
    await db.update(xeroAuthRequests).set({ expiresAt: new Date(Date.now() - 1000) });
    await expectConnectError(completeXeroConnect(db, user.id, params), "expired_state");
    await expectNothingStored();
  });

  it("rejects another user's attempt and leaves it usable by its owner", async () => {
    const db = tdb.db;
    const owner = await createUser(db, "hal@example.com");
    const intruder = await createUser(db, "ivy@example.com");
    const { params } = await startAndConsent(db, owner.id, { tenants: "0" });
    await expectConnectError(completeXeroConnect(db, intruder.id, params), "invalid_state");
    await expectNothingStored();
    const result = await completeXeroConnect(db, owner.id, params);
    expect(result.tenants).toHaveLength(1);
  });

  it("a wrong PKCE verifier makes Xero refuse the code: nothing stored", async () => {
    const db = tdb.db;
    const user = await createUser(db, "jon@example.com");
    const { params } = await startAndConsent(db, user.id);
    await db.update(xeroAuthRequests).set({ codeVerifierEncrypted: encryptSecret("x".repeat(64), "xero_pkce_verifier", sha256Hex(params.state!)) });
    await expectConnectError(completeXeroConnect(db, user.id, params), "code_rejected");
    await expectNothingStored();
    const [log] = await db.select().from(xeroSessions).where(eq(xeroSessions.kind, "callback"));
    expect(log!.detail).toMatchObject({ reason: "code_rejected", oauthError: "invalid_grant" });
  });

  it("error=access_denied (Cancel on Xero's consent page) explains itself, storing nothing", async () => {
    const db = tdb.db;
    const user = await createUser(db, "kim@example.com");
    const { params } = await startAndConsent(db, user.id, { deny: true });
    expect(params.error).toBe("access_denied");
    await expectConnectError(completeXeroConnect(db, user.id, params), "access_denied");
    await expectNothingStored();
    const [log] = await db.select().from(xeroSessions).where(eq(xeroSessions.kind, "callback"));
    expect(log!.detail).toMatchObject({ reason: "access_denied", xeroError: "access_denied" });
  });

  it("a code that was already exchanged is refused with a clear error, storing nothing more", async () => {
    const db = tdb.db;
    const user = await createUser(db, "lee@example.com");
    const first = await startAndConsent(db, user.id, { tenants: "0" });
    await completeXeroConnect(db, user.id, first.params);
    // A second attempt of the same user, completed with the first attempt's (spent) code.
    const second = await startAndConsent(db, user.id, { tenants: "1" });
    await expectConnectError(completeXeroConnect(db, user.id, { ...second.params, code: first.params.code }), "code_rejected");
    const tenants = await db.select().from(xeroTenants);
    expect(tenants.map((t) => t.name)).toEqual(["Alpha Ltd"]);
  });

  it("a tampered id_token nonce fails verification: nothing stored", async () => {
    const db = tdb.db;
    const user = await createUser(db, "max@example.com");
    const { params } = await startAndConsent(db, user.id);
    await db.update(xeroAuthRequests).set({ nonce: encryptSecret("not-the-nonce-we-sent", "xero_nonce", sha256Hex(params.state!)) });
    await expectConnectError(completeXeroConnect(db, user.id, params), "invalid_id_token");
    await expectNothingStored();
  });

  it("never writes secrets into the session log, even on errors", async () => {
    const db = tdb.db;
    const user = await createUser(db, "ned@example.com");
    const { params } = await startAndConsent(db, user.id);
    await db.update(xeroAuthRequests).set({ codeVerifierEncrypted: encryptSecret("y".repeat(64), "xero_pkce_verifier", sha256Hex(params.state!)) });
    await completeXeroConnect(db, user.id, params).catch(() => {});
    const logText = JSON.stringify(await db.select().from(xeroSessions));
    expect(logText).not.toContain(params.code!);
    expect(logText).not.toContain(params.state!);
    const raw = await db.execute(sql`select count(*)::int as n from xero_auth_requests where nonce like 'v2.%' and code_verifier_encrypted like 'v2.%'`);
    const n = (Array.isArray(raw) ? raw : (raw as { rows: { n: number }[] }).rows)[0] as { n: number };
    expect(n.n).toBe(1);
  });
});

describe("Connect Xero attempts", () => {
  it("keeps at most 10 open attempts per user; the newest still completes", async () => {
    const db = tdb.db;
    const user = await createUser(db, "many@example.com");
    const urls: string[] = [];
    for (let i = 0; i < 13; i++) urls.push((await startXeroConnect(db, user.id)).url);
    expect(await db.select().from(xeroAuthRequests)).toHaveLength(10);
    const params = await consentAt(urls.at(-1)!, { tenants: "0" });
    expect((await completeXeroConnect(db, user.id, params)).tenants).toHaveLength(1);
    const oldest = await consentAt(urls[0]!, { tenants: "0" });
    await expectConnectError(completeXeroConnect(db, user.id, oldest), "invalid_state");
  });

  it("purgeStaleAuthRequests forgets attempts that expired or were used more than a day ago", async () => {
    const db = tdb.db;
    const user = await createUser(db, "purge@example.com");
    await startXeroConnect(db, user.id);
    await startXeroConnect(db, user.id);
    const [a] = await db.select().from(xeroAuthRequests);
    const dayAgo = new Date(Date.now() - 25 * 3_600_000);
    await db.update(xeroAuthRequests).set({ expiresAt: dayAgo }).where(eq(xeroAuthRequests.stateHash, a!.stateHash));
    await purgeStaleAuthRequests(db);
    const left = await db.select().from(xeroAuthRequests);
    expect(left).toHaveLength(1);
    expect(left[0]!.stateHash).not.toBe(a!.stateHash);
  });
});
