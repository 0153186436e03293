import { getServerSession } from "next-auth/next";
import { redirect } from "next/navigation";
import { cache } from "react";
import { getEnv } from "@/lib/env";
import { getAuthOptions, SIGN_IN_PATH } from "./options";
import { safeRedirectPath } from "./redirect";

/** The signed-in person, as every server entry point sees them. */
export interface CurrentUser {
  id: string;
  name: string | null;
  email: string | null;
}

/**
 * The signed-in user of the current request (server components, route handlers, server actions),
 * or null. Reads the next-auth database session through our adapter, once per request (React's
 * `cache`: the layout and the page of one render share the answer).
 */
export const getCurrentUser = cache(async (): Promise<CurrentUser | null> => {
  const session = await getServerSession(getAuthOptions());
  const user = session?.user;
  if (!user?.id) return null;
  return { id: user.id, name: user.name ?? null, email: user.email ?? null };
});

/**
 * For pages and layouts: the signed-in user, or a redirect to the sign-in page (which returns to
 * `returnTo`, a same-origin path, afterwards).
 */
export async function requireUser(returnTo?: string): Promise<CurrentUser> {
  const user = await getCurrentUser();
  if (user) return user;
  redirect(signInUrl(returnTo));
}

/** The sign-in page, returning to `returnTo` afterwards when that is a same-origin path. */
export function signInUrl(returnTo?: string): string {
  const safe = safeRedirectPath(returnTo, getEnv().NEXTAUTH_URL);
  return safe ? `${SIGN_IN_PATH}?callbackUrl=${encodeURIComponent(safe)}` : SIGN_IN_PATH;
}
