import { headers } from "next/headers";
import { getCurrentUser, type CurrentUser } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { userFromBearer } from "./index";

/**
 * Who is calling the read API: a bearer token when an Authorization header is sent (a bad token
 * is a 401, never a fall-back to the cookie), else the browser session. Pass as `getUser` to
 * lib/http/handler's withUser.
 */
export async function apiCaller(): Promise<CurrentUser | null> {
  const authorization = (await headers()).get("authorization");
  if (authorization) return userFromBearer(await getDb(), authorization);
  return getCurrentUser();
}
