import { and, eq } from "drizzle-orm";
import type { Adapter, AdapterAccount, AdapterSession, AdapterUser, VerificationToken } from "next-auth/adapters";
import type { Db } from "@/lib/db";
import { accounts, sessions, users, verificationTokens, type User } from "@/lib/db/schema";

/**
 * next-auth v4 Adapter over our Drizzle tables. Written here rather than taken from
 * @auth/drizzle-adapter because our `accounts` table deliberately has no token columns: signing in
 * needs only the identity (provider + provider account id). The Xero grant used for syncing lives
 * encrypted in xero_connections, created by Connect Xero, never by sign-in. `linkAccount` drops
 * every token field next-auth hands it.
 *
 * `getDb` is called per operation so that importing the auth options never opens the database
 * (next build imports route modules).
 */
export function createDrizzleAdapter(getDb: () => Promise<Db>): Adapter {
  return {
    async createUser(user: Omit<AdapterUser, "id">) {
      const db = await getDb();
      const data = user;
      const [row] = await db
        .insert(users)
        .values({ name: data.name ?? null, email: normaliseEmail(data.email), emailVerified: data.emailVerified ?? null, image: data.image ?? null })
        .returning();
      return toAdapterUser(row!);
    },

    async getUser(id) {
      const db = await getDb();
      const [row] = await db.select().from(users).where(eq(users.id, id));
      return row ? toAdapterUser(row) : null;
    },

    async getUserByEmail(email) {
      const db = await getDb();
      const normalised = normaliseEmail(email);
      if (!normalised) return null;
      const [row] = await db.select().from(users).where(eq(users.email, normalised));
      return row ? toAdapterUser(row) : null;
    },

    async getUserByAccount({ provider, providerAccountId }) {
      const db = await getDb();
      const [row] = await db
        .select({ user: users })
        .from(accounts)
        .innerJoin(users, eq(users.id, accounts.userId))
        .where(and(eq(accounts.provider, provider), eq(accounts.providerAccountId, providerAccountId)));
      return row ? toAdapterUser(row.user) : null;
    },

    async updateUser(user) {
      const db = await getDb();
      const set: Partial<typeof users.$inferInsert> = {};
      if (user.name !== undefined) set.name = user.name;
      if (user.email !== undefined) set.email = normaliseEmail(user.email);
      if (user.emailVerified !== undefined) set.emailVerified = user.emailVerified;
      if (user.image !== undefined) set.image = user.image;
      const [row] = Object.keys(set).length
        ? await db.update(users).set(set).where(eq(users.id, user.id)).returning()
        : await db.select().from(users).where(eq(users.id, user.id));
      if (!row) throw new Error("updateUser: no such user");
      return toAdapterUser(row);
    },

    async deleteUser(userId) {
      const db = await getDb();
      // Cascades to accounts, sessions, connections, tenants and their synced rows.
      await db.delete(users).where(eq(users.id, userId));
    },

    async linkAccount(account: AdapterAccount) {
      const db = await getDb();
      const a = account;
      // Only the identity. access_token, refresh_token, id_token… are deliberately not stored.
      await db
        .insert(accounts)
        .values({ userId: a.userId, type: a.type, provider: a.provider, providerAccountId: a.providerAccountId })
        .onConflictDoNothing();
    },

    async unlinkAccount({ provider, providerAccountId }: Pick<AdapterAccount, "provider" | "providerAccountId">) {
      const db = await getDb();
      await db.delete(accounts).where(and(eq(accounts.provider, provider), eq(accounts.providerAccountId, providerAccountId)));
    },

    async createSession(session) {
      const db = await getDb();
      const [row] = await db.insert(sessions).values(session).returning();
      return toAdapterSession(row!);
    },

    async getSessionAndUser(sessionToken) {
      const db = await getDb();
      const [row] = await db
        .select({ session: sessions, user: users })
        .from(sessions)
        .innerJoin(users, eq(users.id, sessions.userId))
        .where(eq(sessions.sessionToken, sessionToken));
      return row ? { session: toAdapterSession(row.session), user: toAdapterUser(row.user) } : null;
    },

    async updateSession(session) {
      const db = await getDb();
      const set: Partial<typeof sessions.$inferInsert> = {};
      if (session.expires) set.expires = session.expires;
      if (session.userId) set.userId = session.userId;
      if (!Object.keys(set).length) return null;
      const [row] = await db.update(sessions).set(set).where(eq(sessions.sessionToken, session.sessionToken)).returning();
      return row ? toAdapterSession(row) : null;
    },

    async deleteSession(sessionToken) {
      const db = await getDb();
      await db.delete(sessions).where(eq(sessions.sessionToken, sessionToken));
    },

    async createVerificationToken(token) {
      const db = await getDb();
      const [row] = await db.insert(verificationTokens).values(token).returning();
      return row ?? null;
    },

    async useVerificationToken({ identifier, token }) {
      const db = await getDb();
      const [row] = await db
        .delete(verificationTokens)
        .where(and(eq(verificationTokens.identifier, identifier), eq(verificationTokens.token, token)))
        .returning();
      return (row as VerificationToken | undefined) ?? null;
    },
  };
}

/** Emails are compared case-insensitively: store them lower-cased (null when absent). */
function normaliseEmail(email: string | null | undefined): string | null {
  const trimmed = email?.trim().toLowerCase();
  return trimmed ? trimmed : null;
}

function toAdapterUser(row: User): AdapterUser {
  // next-auth's type says email is a string; a Xero identity always has one, a service user too.
  return { id: row.id, name: row.name, email: row.email ?? "", emailVerified: row.emailVerified, image: row.image };
}

function toAdapterSession(row: typeof sessions.$inferSelect): AdapterSession {
  return { sessionToken: row.sessionToken, userId: row.userId, expires: row.expires };
}
