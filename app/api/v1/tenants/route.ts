/**
 * GET /api/v1/tenants — the signed-in user's organisations with their state (active, syncing,
 * rate_limited, needs_reconnect, disconnected), records held, last successful and next scheduled
 * sync per entity, and the latest sync's progress. Answer: { data: Tenant[] }.
 * Auth: the browser session, or `Authorization: Bearer xs_…` (personal token from /settings/api);
 * no or a bad token → 401 { error }.
 */
import { z } from "zod";
import { withUser } from "@/lib/http/handler";
import { apiCaller } from "@/lib/api-tokens/request-user";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { getOrgOverviews } from "@/lib/overview/read-model";

export const dynamic = "force-dynamic";

export const GET = withUser(z.unknown(), async ({ user }) => ({
  data: await getOrgOverviews(await getDb(), user.id, { intervalMinutes: getEnv().SYNC_INTERVAL_MINUTES }),
}), { name: "GET /api/v1/tenants", getUser: apiCaller });
