/**
 * GET /api/v1/sessions — the log of the user's interactions with Xero (syncs, token refreshes,
 * Connect Xero, webhook deliveries), newest first, keyset-paged like the entity lists. Query: org,
 * kind, trigger, status, limit (1–200), after / before; a bad or unknown parameter → 400 naming
 * it. Answer: { data: Session[], page: { next, prev, limit } }. Auth as the entity lists.
 */
import { z } from "zod";
import { withUser } from "@/lib/http/handler";
import { apiCaller } from "@/lib/api-tokens/request-user";
import { routeParams } from "@/lib/api/params";
import { shapedJson } from "@/lib/api/respond";
import { apiRoute, successSchema } from "@/lib/api/routes";
import { apiSession, sessionsQuery } from "@/lib/api/sessions";
import { getDb } from "@/lib/db";
import { listHistory } from "@/lib/history/read-model";

export const dynamic = "force-dynamic";

const route = apiRoute("GET", "/api/v1/sessions");

export const GET = withUser(z.unknown(), async ({ user, request }) => {
  const query = sessionsQuery(routeParams(route, request));
  const page = await listHistory(await getDb(), user, query);
  return shapedJson(successSchema(route), { data: page.rows.map(apiSession), page: { next: page.next, prev: page.prev, limit: query.size } });
}, { name: "GET /api/v1/sessions", getUser: apiCaller });
