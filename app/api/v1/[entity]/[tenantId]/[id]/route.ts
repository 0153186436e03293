/**
 * GET /api/v1/{entity}/{tenantId}/{id} — one record of the user's: the list's fields, Xero's JSON
 * as `raw`, and the ids of its related records per relation of the view. 404 when it is not theirs
 * or absent. Auth as the list; a weak ETag, 304 to If-None-Match (lib/http/etag.ts).
 */
import { z } from "zod";
import { jsonWithEtag } from "@/lib/http/etag";
import { withUser } from "@/lib/http/handler";
import { apiCaller } from "@/lib/api-tokens/request-user";
import { getDb } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { getEntityDetail } from "@/lib/entities/read-model";
import { apiIdKey, apiRecord } from "@/lib/entities/read-model-export";
import { entityBySlug, entitySlug } from "@/lib/entities/registry";

export const dynamic = "force-dynamic";

export const GET = withUser(z.object({ entity: z.string(), tenantId: z.string(), id: z.string() }), async ({ user, input, request }) => {
  const def = entityBySlug(input.entity);
  if (!def) throw new AppError("not_found");
  const detail = await getEntityDetail(await getDb(), user.id, def, input.tenantId, input.id);
  if (!detail) throw new AppError("not_found");
  return jsonWithEtag(request, {
    data: {
      ...apiRecord(def, detail.row),
      raw: detail.record.raw,
      related: detail.relations.map((r) => ({
        entity: entitySlug(r.def),
        label: r.spec.label,
        total: r.total,
        ids: r.rows.map((x) => ({ tenantId: x.tenantId, [apiIdKey(r.def)]: x.id })),
      })),
    },
  });
}, { name: "GET /api/v1/{entity}/{tenantId}/{id}", getUser: apiCaller });
