import { eq } from "drizzle-orm";
import type { Db } from "../client";
import { users, type User } from "../schema";

export async function getUserByEmail(db: Db, email: string): Promise<User | undefined> {
  const [row] = await db.select().from(users).where(eq(users.email, email.trim().toLowerCase()));
  return row;
}

/** The user with this email, created (with `name`) when there is none. Safe under concurrency. */
export async function upsertUserByEmail(db: Db, email: string, name: string | null = null): Promise<User> {
  const normalised = email.trim().toLowerCase();
  await db.insert(users).values({ email: normalised, name }).onConflictDoNothing({ target: users.email });
  const row = await getUserByEmail(db, normalised);
  if (!row) throw new Error("upsertUserByEmail: user vanished after insert");
  return row;
}
