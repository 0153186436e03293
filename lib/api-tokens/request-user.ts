import { headers } from "next/headers";
import { getCurrentUser, type CurrentUser } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import type { Reader } from "@/lib/lists/tenant-scope";
import { BEARER_CHALLENGE, callerFromBearer } from "./index";

/**
 * Who is calling /api/v1, and what they may do. Routes pass the caller itself (a Reader) to the
 * read models, whose tenant filter applies its scope: a route added later reads only what its
 * caller may see without checking anything itself.
 */
export interface ApiCaller extends CurrentUser, Reader {
  /** The organisations an organisation-limited token reads; null: all of the user's. */
  tenantIds: string[] | null;
  /** A read-only token: it cannot start syncs. A browser session is never read-only. */
  readOnly: boolean;
  /** Headers every answer to this caller carries (a token's RateLimit-*; none for a session). */
  responseHeaders: Record<string, string>;
}

/**
 * The caller: a bearer token when an Authorization header is sent (a bad, revoked or expired
 * token is a 401, never a fall-back to the cookie; past its rate limit a 429), else the browser
 * session. Pass as `getUser` to lib/http/handler's withUser.
 */
export async function apiCaller(): Promise<ApiCaller> {
  const authorization = (await headers()).get("authorization");
  if (authorization) {
    const { caller, headers: responseHeaders } = await callerFromBearer(await getDb(), authorization, { limit: getEnv().API_TOKEN_RATE_LIMIT });
    return { id: caller.id, name: caller.name, email: caller.email, tenantIds: caller.tenantIds, readOnly: caller.readOnly, responseHeaders };
  }
  const user = await getCurrentUser();
  if (!user) throw new AppError("unauthorized", undefined, { headers: { "www-authenticate": BEARER_CHALLENGE } });
  return { ...user, tenantIds: null, readOnly: false, responseHeaders: {} };
}
