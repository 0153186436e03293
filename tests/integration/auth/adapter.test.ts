import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Adapter } from "next-auth/adapters";
import { createDrizzleAdapter } from "@/lib/auth/adapter";
import { accounts, sessions } from "@/lib/db/schema";
import { createTestDatabase, type TestDatabase } from "../../helpers/db";
import { dumpSecretsTables } from "./helpers";

/** The next-auth adapter over our tables: identities only, never tokens. */

let tdb: TestDatabase;
let adapter: Required<Adapter>;

beforeAll(async () => {
  tdb = await createTestDatabase();
  adapter = createDrizzleAdapter(async () => tdb.db) as Required<Adapter>;
});

afterAll(async () => {
  await tdb?.close();
});

describe("Drizzle adapter", () => {
  it("creates users, links a Xero identity without its tokens, and finds the user by it", async () => {
    const user = await adapter.createUser({ name: "Ann Lee", email: "Ann@Example.com", emailVerified: null });
    expect(user.email).toBe("ann@example.com");
    expect(await adapter.getUserByEmail("ANN@example.com")).toMatchObject({ id: user.id });
    expect(await adapter.getUser(user.id)).toMatchObject({ name: "Ann Lee" });

    await adapter.linkAccount({
      userId: user.id,
      type: "oauth",
      provider: "xero",
      providerAccountId: "xero-user-1",
      access_token: "ACCESS-TOKEN-SECRET",
      refresh_token: "REFRESH-TOKEN-SECRET",
      id_token: "ID-TOKEN-SECRET",
      token_type: "bearer",
      expires_at: 123,
    });
    // Linking twice (a retried callback) is harmless.
    await adapter.linkAccount({ userId: user.id, type: "oauth", provider: "xero", providerAccountId: "xero-user-1" });
    expect(await tdb.db.select().from(accounts)).toHaveLength(1);
    const dump = await dumpSecretsTables(tdb.db);
    for (const s of ["ACCESS-TOKEN-SECRET", "REFRESH-TOKEN-SECRET", "ID-TOKEN-SECRET"]) expect(dump).not.toContain(s);

    expect(await adapter.getUserByAccount({ provider: "xero", providerAccountId: "xero-user-1" })).toMatchObject({ id: user.id });
    expect(await adapter.getUserByAccount({ provider: "xero", providerAccountId: "nobody" })).toBeNull();

    const updated = await adapter.updateUser({ id: user.id, name: "Ann B. Lee" });
    expect(updated.name).toBe("Ann B. Lee");

    await adapter.unlinkAccount({ provider: "xero", providerAccountId: "xero-user-1" });
    expect(await adapter.getUserByAccount({ provider: "xero", providerAccountId: "xero-user-1" })).toBeNull();
  });

  it("manages database sessions", async () => {
    const user = await adapter.createUser({ name: "Bo", email: "bo@example.com", emailVerified: null });
    const expires = new Date(Date.now() + 3_600_000);
    await adapter.createSession({ sessionToken: "sess-1", userId: user.id, expires });
    const found = await adapter.getSessionAndUser("sess-1");
    expect(found?.user.id).toBe(user.id);
    expect(found?.session.expires.getTime()).toBe(expires.getTime());
    const later = new Date(Date.now() + 7_200_000);
    expect((await adapter.updateSession({ sessionToken: "sess-1", expires: later }))?.expires.getTime()).toBe(later.getTime());
    await adapter.deleteSession("sess-1");
    expect(await adapter.getSessionAndUser("sess-1")).toBeNull();
  });

  it("verification tokens are single-use; deleting a user removes their sessions", async () => {
    const token = { identifier: "c@example.com", token: "t1", expires: new Date(Date.now() + 60_000) };
    await adapter.createVerificationToken(token);
    expect(await adapter.useVerificationToken({ identifier: "c@example.com", token: "t1" })).toMatchObject({ token: "t1" });
    expect(await adapter.useVerificationToken({ identifier: "c@example.com", token: "t1" })).toBeNull();

    const user = await adapter.createUser({ name: "Cy", email: "cy@example.com", emailVerified: null });
    await adapter.createSession({ sessionToken: "sess-2", userId: user.id, expires: new Date(Date.now() + 60_000) });
    await adapter.deleteUser(user.id);
    expect(await adapter.getUser(user.id)).toBeNull();
    expect((await tdb.db.select().from(sessions)).some((s) => s.sessionToken === "sess-2")).toBe(false);
  });
});
