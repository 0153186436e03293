import { redirect } from "next/navigation";
import { cache } from "react";
import { getCurrentUser, signInUrl, type CurrentUser } from "@/lib/auth/session";

/**
 * The signed-in user for dashboard layouts and pages, looked up once per request: the layout and
 * the page both need it, and each lookup is a session + user query (React's cache() dedupes within
 * one server render). Same behaviour as lib/auth/session's requireUser.
 */
const currentUserOnce = cache(getCurrentUser);

export async function requireDashboardUser(returnTo: string): Promise<CurrentUser> {
  const user = await currentUserOnce();
  if (user) return user;
  redirect(signInUrl(returnTo));
}
