/**
 * GET /api/v1/sessions/{id} — one interaction of the user's with Xero with its progress (calls,
 * pages, records fetched / inserted / updated / unchanged, rate-limit waits; a sync's per-entity
 * results in `detail`): { data: Session }. 404 when it is not theirs. Auth as the list.
 */
import { z } from "zod";
import { withUser } from "@/lib/http/handler";
import { apiCaller } from "@/lib/api-tokens/request-user";
import { routeParams } from "@/lib/api/params";
import { shapedJson } from "@/lib/api/respond";
import { apiRoute, successSchema } from "@/lib/api/routes";
import { apiSession } from "@/lib/api/sessions";
import { getDb } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { getHistorySession } from "@/lib/history/read-model";

export const dynamic = "force-dynamic";

const route = apiRoute("GET", "/api/v1/sessions/{id}");

export const GET = withUser(z.looseObject({ id: z.string() }), async ({ user, input, request }) => {
  const { id } = routeParams(route, request, { id: input.id }) as { id: string };
  const row = await getHistorySession(await getDb(), user, id);
  if (!row) throw new AppError("not_found", "No such session.");
  return shapedJson(successSchema(route), { data: apiSession(row) });
}, { name: "GET /api/v1/sessions/{id}", getUser: apiCaller });
