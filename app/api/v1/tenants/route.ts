/**
 * GET /api/v1/tenants — the signed-in user's organisations with their state (active, syncing,
 * rate_limited, needs_reconnect, disconnected), connection status, rate limit, the running and the
 * latest sync with their progress, the next scheduled sync, and per entity the records held, last
 * success / attempt / error, last full sync and cursor. Answer: { data: Tenant[] }.
 * Auth: the browser session, or `Authorization: Bearer xs_…` (personal token from /settings/api;
 * an organisation-limited token sees its organisation only); no, a bad, revoked or expired token
 * → 401 { error }; past the token's rate limit → 429.
 */
import { z } from "zod";
import { withUser } from "@/lib/http/handler";
import { apiCaller } from "@/lib/api-tokens/request-user";
import { routeParams } from "@/lib/api/params";
import { shapedJson } from "@/lib/api/respond";
import { apiRoute, successSchema } from "@/lib/api/routes";
import { getDb } from "@/lib/db";
import { getTenantSyncStatuses } from "@/lib/overview/sync-status";

export const dynamic = "force-dynamic";

const route = apiRoute("GET", "/api/v1/tenants");

export const GET = withUser(z.unknown(), async ({ user, request }) => {
  routeParams(route, request);
  return shapedJson(successSchema(route), { data: await getTenantSyncStatuses(await getDb(), user) });
}, { name: "GET /api/v1/tenants", getUser: apiCaller });
