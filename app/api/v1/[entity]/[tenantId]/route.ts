/**
 * GET /api/v1/{entity}/{id} — the record with this Xero id among the user's organisations: the
 * list's fields, Xero's JSON as `raw`, and the ids of its related records (as
 * /api/v1/{entity}/{tenantId}/{id}). 404 when none of theirs holds it; a code several of them
 * hold (a tax rate's TaxType) → 400 pointing at the path with the organisation. Next names one
 * dynamic segment per level, so this level's segment is `tenantId` for the nested route and
 * carries the record's id here. Auth as the list.
 */
import { z } from "zod";
import { withUser } from "@/lib/http/handler";
import { apiCaller } from "@/lib/api-tokens/request-user";
import { routeParams } from "@/lib/api/params";
import { shapedJson } from "@/lib/api/respond";
import { apiRoute, successSchema } from "@/lib/api/routes";
import { getDb } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { findRecordTenants, getEntityDetail } from "@/lib/entities/read-model";
import { apiRecordDetail } from "@/lib/entities/read-model-export";
import { entityBySlug, entitySlug } from "@/lib/entities/registry";

export const dynamic = "force-dynamic";

export const GET = withUser(z.looseObject({ entity: z.string(), tenantId: z.string() }), async ({ user, input, request }) => {
  const def = entityBySlug(input.entity);
  if (!def) throw new AppError("not_found");
  const route = apiRoute("GET", `/api/v1/${entitySlug(def)}/{id}`);
  const { id } = routeParams(route, request, { id: input.tenantId }) as { id: string };
  const db = await getDb();
  const tenants = await findRecordTenants(db, user, def, id);
  if (tenants.length > 1) {
    throw new AppError("bad_request", "Several of your organisations hold a record with this id.", {
      details: { fieldErrors: { id: [`is held by several of your organisations: ask /api/v1/${entitySlug(def)}/{tenantId}/${id}`] } },
    });
  }
  const detail = tenants[0] ? await getEntityDetail(db, user, def, tenants[0], id) : undefined;
  if (!detail) throw new AppError("not_found");
  return shapedJson(successSchema(route), { data: apiRecordDetail(def, detail) });
}, { name: "GET /api/v1/{entity}/{id}", getUser: apiCaller });
