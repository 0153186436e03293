/**
 * GET /api/v1/tenants/{id} — one organisation of the user's with its sync status, the same item
 * as GET /api/v1/tenants lists: { data: Tenant }. Another user's organisation is 404, never 403.
 * Auth as the list.
 */
import { z } from "zod";
import { withUser } from "@/lib/http/handler";
import { apiCaller } from "@/lib/api-tokens/request-user";
import { routeParams } from "@/lib/api/params";
import { shapedJson } from "@/lib/api/respond";
import { apiRoute, successSchema } from "@/lib/api/routes";
import { getDb } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { getTenantSyncStatuses } from "@/lib/overview/sync-status";

export const dynamic = "force-dynamic";

const route = apiRoute("GET", "/api/v1/tenants/{id}");

export const GET = withUser(z.looseObject({ tenantId: z.string() }), async ({ user, input, request }) => {
  const { id } = routeParams(route, request, { id: input.tenantId }) as { id: string };
  const [org] = await getTenantSyncStatuses(await getDb(), user, { tenantId: id });
  if (!org) throw new AppError("not_found", "No such organisation.");
  return shapedJson(successSchema(route), { data: org });
}, { name: "GET /api/v1/tenants/{id}", getUser: apiCaller });
