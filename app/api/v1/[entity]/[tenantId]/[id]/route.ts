/**
 * GET /api/v1/{entity}/{tenantId}/{id} — one record of the user's: the list's fields, Xero's JSON
 * as `raw`, and the ids of its related records per relation of the view. A malformed id → 400
 * naming it; 404 when it is not theirs or absent, or outside an organisation-limited token's
 * organisation. Auth as the list; a weak ETag, 304 to If-None-Match (lib/http/etag.ts).
 */
import { z } from "zod";
import { jsonWithEtag } from "@/lib/http/etag";
import { withUser } from "@/lib/http/handler";
import { apiCaller } from "@/lib/api-tokens/request-user";
import { routeParams } from "@/lib/api/params";
import { shapedBody } from "@/lib/api/respond";
import { apiRoute, successSchema } from "@/lib/api/routes";
import { getDb } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { getEntityDetail } from "@/lib/entities/read-model";
import { apiRecordDetail } from "@/lib/entities/read-model-export";
import { entityBySlug, entitySlug } from "@/lib/entities/registry";

export const dynamic = "force-dynamic";

export const GET = withUser(z.looseObject({ entity: z.string(), tenantId: z.string(), id: z.string() }), async ({ user, input, request }) => {
  const def = entityBySlug(input.entity);
  if (!def) throw new AppError("not_found");
  const route = apiRoute("GET", `/api/v1/${entitySlug(def)}/{tenantId}/{id}`);
  const p = routeParams(route, request, { tenantId: input.tenantId, id: input.id }) as { tenantId: string; id: string };
  const detail = await getEntityDetail(await getDb(), user, def, p.tenantId, p.id);
  if (!detail) throw new AppError("not_found");
  return jsonWithEtag(request, shapedBody(successSchema(route), { data: apiRecordDetail(def, detail) }));
}, { name: "GET /api/v1/{entity}/{tenantId}/{id}", getUser: apiCaller });
