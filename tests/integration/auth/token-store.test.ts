import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "@/lib/db/client";
import { xeroConnections, xeroSessions, xeroTenants } from "@/lib/db/schema";
import type { RunningSimulator } from "@/lib/xero-simulator";
import { isXeroAuthError, XeroAuthError } from "@/lib/xero/auth-errors";
import { completeXeroConnect } from "@/lib/xero/connect-flow";
import { refreshTokenGrant, revokeRefreshToken } from "@/lib/xero/identity";
import { decryptTokenSet, getValidAccessToken, type TokenGrants } from "@/lib/xero/token-store";
import { ciphertextKeyId, isKeyConfigurationError, KEY_MISMATCH_MESSAGE, keyId } from "@/lib/xero/token-crypto";
import { decodeKey } from "@/lib/env";
import { getTenantSyncStatuses } from "@/lib/overview/sync-status";
import { syncTenant } from "@/lib/sync";
import { holdTokenRequest } from "@/lib/xero-simulator";
import { testDbKind, type TestDatabase } from "../../helpers/db";
import { clearSimLog, createUser, dumpSecretsTables, simLog, startAndConsent, useSimulatorEnv, withSimulatorAndDatabase } from "./helpers";

/**
 * The token store against the simulator: refresh a minute early, rotate and store the new pair,
 * one token request per connection even when callers race (in one process and across two
 * processes on PostgreSQL), invalid_grant → needs_reconnect, and no plaintext token at rest.
 */

let tdb: TestDatabase;
let sim: RunningSimulator;
withSimulatorAndDatabase((w) => ({ sim, tdb } = w));

async function connected(email: string, tenants = "0,1") {
  const user = await createUser(tdb.db, email);
  const result = await completeXeroConnect(tdb.db, user.id, (await startAndConsent(tdb.db, user.id, { tenants })).params);
  return { user, connection: result.connection, tenants: result.tenants };
}

/** Makes the stored access token expire in `ms` (30 s: inside the one-minute refresh margin). */
async function expireIn(connectionId: string, ms: number) {
  await tdb.db.update(xeroConnections).set({ accessTokenExpiresAt: new Date(Date.now() + ms) }).where(eq(xeroConnections.id, connectionId));
}

const slowGrants = (delayMs: number): TokenGrants => ({
  refresh: async (rt) => {
    await new Promise((r) => setTimeout(r, delayMs));
    return refreshTokenGrant(rt);
  },
  clientCredentials: () => Promise.reject(new Error("not used")),
});

async function tokenRequests() {
  return (await simLog(sim, "/connect/token")).length;
}

describe("getValidAccessToken", () => {
  it("returns the stored token while it is valid, without calling Xero", async () => {
    const { connection } = await connected("a@example.com");
    await clearSimLog(sim);
    const { accessToken } = await getValidAccessToken(tdb.db, connection.id);
    expect(accessToken).toBe(decryptTokenSet(connection.id, connection.tokenSetEncrypted).accessToken);
    expect(await tokenRequests()).toBe(0);
  });

  it("refreshes a minute before expiry, stores the rotated pair encrypted and logs a token_refresh", async () => {
    const { connection } = await connected("b@example.com");
    const before = decryptTokenSet(connection.id, connection.tokenSetEncrypted);
    await expireIn(connection.id, 30_000);
    await clearSimLog(sim);

    const { accessToken, connection: after } = await getValidAccessToken(tdb.db, connection.id);
    expect(await tokenRequests()).toBe(1);
    expect(accessToken).not.toBe(before.accessToken);
    const stored = decryptTokenSet(after.id, after.tokenSetEncrypted);
    expect(stored.accessToken).toBe(accessToken);
    expect(stored.refreshToken).toBeTruthy();
    expect(stored.refreshToken).not.toBe(before.refreshToken);
    expect(after.accessTokenExpiresAt.getTime()).toBeGreaterThan(Date.now() + 25 * 60_000);

    // The new token works against the API.
    const res = await fetch(`${sim.url}/connections`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(res.status).toBe(200);

    const dump = await dumpSecretsTables(tdb.db);
    for (const t of [accessToken, stored.refreshToken!, before.accessToken, before.refreshToken!]) expect(dump.includes(t)).toBe(false);

    const [log] = await tdb.db.select().from(xeroSessions).where(eq(xeroSessions.kind, "token_refresh"));
    expect(log).toMatchObject({ outcome: "success", connectionId: connection.id });
  });

  it("two concurrent callers in one process cause exactly one token request and get the same new token", async () => {
    const { connection } = await connected("c@example.com");
    const old = decryptTokenSet(connection.id, connection.tokenSetEncrypted).accessToken;
    await expireIn(connection.id, 30_000);
    await clearSimLog(sim);
    const [a, b] = await Promise.all([
      getValidAccessToken(tdb.db, connection.id, { grants: slowGrants(200) }),
      getValidAccessToken(tdb.db, connection.id, { grants: slowGrants(200) }),
    ]);
    expect(await tokenRequests()).toBe(1);
    expect(a.accessToken).toBe(b.accessToken);
    expect(a.accessToken).not.toBe(old);
  });

  it("forced refreshes racing (both saw a 401) still cause one token request", async () => {
    const { connection } = await connected("d@example.com");
    await clearSimLog(sim);
    const [a, b] = await Promise.all([
      getValidAccessToken(tdb.db, connection.id, { forceRefresh: true, grants: slowGrants(150) }),
      getValidAccessToken(tdb.db, connection.id, { forceRefresh: true, grants: slowGrants(150) }),
    ]);
    expect(await tokenRequests()).toBe(1);
    expect(a.accessToken).toBe(b.accessToken);
  });

  it("a forced refresh for a token that was already replaced takes the replacement without rotating again", async () => {
    const { connection } = await connected("late@example.com");
    const rejected = decryptTokenSet(connection.id, connection.tokenSetEncrypted).accessToken;
    const first = await getValidAccessToken(tdb.db, connection.id, { forceRefresh: true, rejectedAccessToken: rejected });
    expect(first.accessToken).not.toBe(rejected);
    await clearSimLog(sim);
    // A second caller that also saw the old token rejected, but reads the row only now.
    const late = await getValidAccessToken(tdb.db, connection.id, { forceRefresh: true, rejectedAccessToken: rejected });
    expect(await tokenRequests()).toBe(0);
    expect(late.accessToken).toBe(first.accessToken);
  });

  // Two processes cannot share one PGlite database, so this one exists only in the PostgreSQL run.
  if (testDbKind() === "postgres") it(
    "two processes (two pools) refreshing at once cause exactly one token request; both get the new token (PostgreSQL)",
    async () => {
      const { connection } = await connected("e@example.com");
      const old = decryptTokenSet(connection.id, connection.tokenSetEncrypted).accessToken;
      await expireIn(connection.id, 30_000);
      await clearSimLog(sim);

      // Process 2: a child with its own pool. Process 1: this one, through a separate pool too.
      const child = spawn(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, "refresh-child.ts")], {
        cwd: path.resolve(import.meta.dirname, "../../.."),
        env: { ...process.env, DATABASE_URL: tdb.url!, CONNECTION_ID: connection.id, REFRESH_DELAY_MS: "300" },
        stdio: ["pipe", "pipe", "inherit"],
      });
      const lines: string[] = [];
      let buffer = "";
      const ready = new Promise<void>((resolve, reject) => {
        child.stdout.on("data", (chunk: Buffer) => {
          buffer += chunk.toString();
          let i;
          while ((i = buffer.indexOf("\n")) >= 0) {
            lines.push(buffer.slice(0, i));
            buffer = buffer.slice(i + 1);
            if (lines.at(-1) === "ready") resolve();
          }
        });
        child.on("exit", (code) => reject(new Error(`child exited early (${code})`)));
      });
      const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
      await ready;

      let second: DatabaseHandle | undefined;
      try {
        second = await openDatabase({ url: tdb.url!, migrate: false, max: 2 });
        child.stdin.write("go\n");
        const mine = await getValidAccessToken(second.db, connection.id, { grants: slowGrants(300) });
        await exited;
        const theirs = JSON.parse(lines.find((l) => l.startsWith("{"))!) as { accessToken?: string; error?: string };
        expect(theirs.error).toBeUndefined();
        expect(await tokenRequests()).toBe(1);
        expect(theirs.accessToken).toBe(mine.accessToken);
        expect(mine.accessToken).not.toBe(old);
        const [row] = await tdb.db.select().from(xeroConnections).where(eq(xeroConnections.id, connection.id));
        expect(decryptTokenSet(row!.id, row!.tokenSetEncrypted).accessToken).toBe(mine.accessToken);
      } finally {
        child.kill();
        await second?.close();
      }
    },
  );

  it("invalid_grant marks the connection and its tenants needs_reconnect and throws XeroAuthError", async () => {
    const { connection, user } = await connected("f@example.com");
    // The grant dies at Xero (revoked elsewhere): the refresh token is no longer accepted.
    await revokeRefreshToken(decryptTokenSet(connection.id, connection.tokenSetEncrypted).refreshToken!);
    await clearSimLog(sim);

    const error = await getValidAccessToken(tdb.db, connection.id, { forceRefresh: true }).catch((e: unknown) => e);
    expect(isXeroAuthError(error)).toBe(true);
    expect((error as XeroAuthError).reason).toBe("invalid_grant");
    expect((error as XeroAuthError).status).toBe(409);

    const [row] = await tdb.db.select().from(xeroConnections).where(eq(xeroConnections.id, connection.id));
    expect(row!.status).toBe("needs_reconnect");
    expect(row!.statusReason).toMatch(/Reconnect/);
    const tenants = await tdb.db.select().from(xeroTenants).where(eq(xeroTenants.connectionId, connection.id));
    expect(tenants.every((t) => t.status === "needs_reconnect")).toBe(true);
    const [log] = await tdb.db.select().from(xeroSessions).where(eq(xeroSessions.kind, "token_refresh"));
    expect(log).toMatchObject({ outcome: "error", userId: user.id });
    expect(log!.error).toMatch(/invalid_grant/);

    // Later calls fail fast, without asking Xero again.
    const again = await getValidAccessToken(tdb.db, connection.id).catch((e: unknown) => e);
    expect((again as XeroAuthError).reason).toBe("needs_reconnect");
    expect(await tokenRequests()).toBe(1);

    // Reconnecting makes the same connection and its tenants active again.
    await completeXeroConnect(tdb.db, user.id, (await startAndConsent(tdb.db, user.id, { tenants: "0" })).params);
    const [back] = await tdb.db.select().from(xeroConnections).where(eq(xeroConnections.id, connection.id));
    expect(back!.status).toBe("active");
    const after = await tdb.db.select().from(xeroTenants).where(eq(xeroTenants.connectionId, connection.id));
    expect(after.every((t) => t.status === "active")).toBe(true);
  });

  it("a transient failure of Xero's token endpoint changes nothing and is reported as xero_unavailable", async () => {
    const { connection } = await connected("g@example.com");
    await expireIn(connection.id, 30_000);
    const [before] = await tdb.db.select().from(xeroConnections).where(eq(xeroConnections.id, connection.id));
    const failing: TokenGrants = {
      refresh: () => refreshTokenGrant("whatever", { clientId: "x", clientSecret: "y", redirectUris: [], scopes: [], identityUrl: "http://127.0.0.1:9", apiUrl: "http://127.0.0.1:9", timeoutMs: 1000 }),
      clientCredentials: () => Promise.reject(new Error("not used")),
    };
    const error = await getValidAccessToken(tdb.db, connection.id, { grants: failing }).catch((e: unknown) => e);
    expect((error as { type?: string }).type).toBe("xero_unavailable");
    const [row] = await tdb.db.select().from(xeroConnections).where(eq(xeroConnections.id, connection.id));
    expect(row!.status).toBe("active");
    expect(row!.tokenSetEncrypted).toBe(before!.tokenSetEncrypted);
    // The stored pair still works afterwards.
    const ok = await getValidAccessToken(tdb.db, connection.id);
    expect(ok.accessToken).toBeTruthy();
  });

  it("a rotation with TOKEN_ENCRYPTION_KEY_PREVIOUS reads the old tokens and re-encrypts them under the new key", async () => {
    const { connection } = await connected("h@example.com");
    const oldKey = process.env.TOKEN_ENCRYPTION_KEY!;
    const newKey = randomBytes(32).toString("base64");
    try {
      useSimulatorEnv(sim, { TOKEN_ENCRYPTION_KEY: newKey, TOKEN_ENCRYPTION_KEY_PREVIOUS: oldKey });
      const { connection: after } = await getValidAccessToken(tdb.db, connection.id, { forceRefresh: true });
      useSimulatorEnv(sim, { TOKEN_ENCRYPTION_KEY: newKey });
      expect(ciphertextKeyId(after.tokenSetEncrypted)).toBe(keyId(decodeKey(newKey)!));
      expect(decryptTokenSet(after.id, after.tokenSetEncrypted).accessToken).toBeTruthy();
    } finally {
      useSimulatorEnv(sim, { TOKEN_ENCRYPTION_KEY: oldKey });
    }
  });

  it("a key this server lacks is a configuration error: nothing is marked, the sync fails saying so, the right key works again", async () => {
    const { connection, tenants } = await connected("h2@example.com");
    const oldKey = process.env.TOKEN_ENCRYPTION_KEY!;
    try {
      // A replica with another key, or a rotation that forgot TOKEN_ENCRYPTION_KEY_PREVIOUS.
      useSimulatorEnv(sim, { TOKEN_ENCRYPTION_KEY: randomBytes(32).toString("base64") });
      const error = await getValidAccessToken(tdb.db, connection.id).catch((e: unknown) => e);
      expect(isXeroAuthError(error)).toBe(false);
      expect(isKeyConfigurationError(error) && error.kind).toBe("unknown_key");
      await expireIn(connection.id, 30_000); // the refresh path too
      const forced = await getValidAccessToken(tdb.db, connection.id, { forceRefresh: true }).catch((e: unknown) => e);
      expect(isKeyConfigurationError(forced)).toBe(true);

      const result = await syncTenant(tdb.db, { tenantId: tenants[0]!.id, trigger: "manual" });
      expect(result.status).toBe("error");
      expect("error" in result && result.error).toBe(KEY_MISMATCH_MESSAGE);
      expect("entities" in result && result.entities.map((e) => e.outcome)).toEqual(["error", ...("entities" in result ? result.entities.slice(1) : []).map(() => "skipped")]);

      const [row] = await tdb.db.select().from(xeroConnections).where(eq(xeroConnections.id, connection.id));
      expect(row).toMatchObject({ status: "active", statusReason: null, tokenSetEncrypted: connection.tokenSetEncrypted });
      const after = await tdb.db.select().from(xeroTenants).where(eq(xeroTenants.connectionId, connection.id));
      expect(after.every((t) => t.status === "active")).toBe(true);
    } finally {
      useSimulatorEnv(sim, { TOKEN_ENCRYPTION_KEY: oldKey });
    }
    expect((await getValidAccessToken(tdb.db, connection.id)).accessToken).toBeTruthy();
  });

  it("a token set copied into another connection's row does not decrypt there → that connection needs a reconnect", async () => {
    const a = await connected("i1@example.com");
    const b = await connected("i2@example.com", "2");
    await tdb.db.update(xeroConnections).set({ tokenSetEncrypted: a.connection.tokenSetEncrypted }).where(eq(xeroConnections.id, b.connection.id));
    const error = await getValidAccessToken(tdb.db, b.connection.id).catch((e: unknown) => e);
    expect(isXeroAuthError(error) && error.reason).toBe("token_unreadable");
    const [row] = await tdb.db.select().from(xeroConnections).where(eq(xeroConnections.id, b.connection.id));
    expect(row!.status).toBe("needs_reconnect");
    // The row it came from is unaffected.
    expect((await getValidAccessToken(tdb.db, a.connection.id)).accessToken).toBe(decryptTokenSet(a.connection.id, a.connection.tokenSetEncrypted).accessToken);
  });

  it("pages answer while a refresh waits on a slow token endpoint; the refresh then completes once", async () => {
    const { user, connection } = await connected("j@example.com");
    await expireIn(connection.id, 30_000);
    await clearSimLog(sim);
    const hold = holdTokenRequest(sim.sim);
    const refreshing = getValidAccessToken(tdb.db, connection.id);
    try {
      await hold.arrived; // the refresh is now waiting for Xero
      const page = getTenantSyncStatuses(tdb.db, user);
      // Without a bound, a blocked query would only show as a test timeout.
      const blocked = new Promise<"blocked">((resolve) => setTimeout(() => resolve("blocked"), 5_000).unref());
      const answered = await Promise.race([page, blocked]);
      expect(answered).not.toBe("blocked");
      expect((answered as Awaited<typeof page>).map((o) => o.name).sort()).toEqual(["Alpha Ltd", "Beta Ltd"]);
      // A second caller meanwhile waits for the same refresh instead of sending its own.
      const second = getValidAccessToken(tdb.db, connection.id);
      hold.release();
      const [mine, theirs] = await Promise.all([refreshing, second]);
      expect(theirs.accessToken).toBe(mine.accessToken);
      expect(await tokenRequests()).toBe(1);
    } finally {
      hold.release();
      await refreshing.catch(() => {});
    }
  });

  it("an unknown connection id is not_found", async () => {
    const error = await getValidAccessToken(tdb.db, "00000000-0000-4000-8000-000000000000").catch((e: unknown) => e);
    expect((error as { type?: string }).type).toBe("not_found");
  });
});
