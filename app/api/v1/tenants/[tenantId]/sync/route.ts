/**
 * GET  /api/v1/tenants/{tenantId}/sync — the organisation's sync status, as one entry of
 *      GET /api/v1/tenants (state, running and latest sync with pages, records, rate-limit waits),
 *      polled by the overview's Sync now button.
 * POST /api/v1/tenants/{tenantId}/sync — start a sync now; 202 { status: "started" | "already_running" | "queued", sessionId }
 *      ("queued": the server runs as many syncs as it allows; it starts when one ends).
 * Auth: the browser session or an API token (POST: a read-write one; a read-only token is refused
 * with 403 whatever the id, so the refusal says nothing about the organisation). Another user's
 * organisation, or one outside an organisation-limited token's, is 404.
 */
import { z } from "zod";
import { routeParams } from "@/lib/api/params";
import { shapedJson } from "@/lib/api/respond";
import { apiRoute, successSchema } from "@/lib/api/routes";
import { withUser } from "@/lib/http/handler";
import { apiCaller } from "@/lib/api-tokens/request-user";
import { getDb } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { getTenantSyncStatuses } from "@/lib/overview/sync-status";
import { requestSyncForUser } from "@/lib/overview/sync-request";

export const dynamic = "force-dynamic";

const input = z.looseObject({ tenantId: z.string() });
const status = apiRoute("GET", "/api/v1/tenants/{id}/sync");
const start = apiRoute("POST", "/api/v1/tenants/{id}/sync");

export const GET = withUser(input, async ({ user, input, request }) => {
  const { id } = routeParams(status, request, { id: input.tenantId }) as { id: string };
  const [org] = await getTenantSyncStatuses(await getDb(), user, { tenantId: id });
  if (!org) throw new AppError("not_found", "No such organisation.");
  return shapedJson(successSchema(status), { tenant: org });
}, { name: "GET /api/v1/tenants/:id/sync", getUser: apiCaller });

export const POST = withUser(input, async ({ user, input, request }) => {
  if (user.readOnly) throw new AppError("forbidden", "This API token is read-only: it cannot start syncs. Create a read-write token under API tokens to do so.");
  const { id } = routeParams(start, request, { id: input.tenantId }) as { id: string };
  const result = await requestSyncForUser(await getDb(), user, id);
  return shapedJson(successSchema(start), result, 202);
}, { name: "POST /api/v1/tenants/:id/sync", getUser: apiCaller });
