/**
 * GET /api/v1/{entity} — the signed-in user's records of any mirrored entity as JSON,
 * keyset-paginated (/api/v1/invoices, /api/v1/credit-notes …). Query: org, the entity's filters,
 * q, sort, dir, limit (1–200), after / before (the `next` / `prev` cursors of a previous answer);
 * parsed by the entity's zod schema in its strict mode: a malformed value or an unknown parameter
 * → 400 naming it. Answer: { data, page: { next, prev, total, limit } }, shaped by the entity's
 * page schema (lib/api/schemas.ts); money as decimal strings.
 * Auth: the browser session, or `Authorization: Bearer xs_…` (personal token from /settings/api;
 * an organisation-limited token lists its organisation only); no, a bad, revoked or expired token
 * → 401 { error }; past the token's rate limit → 429.
 */
import { z } from "zod";
import { withUser } from "@/lib/http/handler";
import { apiCaller } from "@/lib/api-tokens/request-user";
import { shapedJson } from "@/lib/api/respond";
import { entitySchemas } from "@/lib/api/schemas";
import { getDb } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { listEntity } from "@/lib/entities/read-model";
import { apiRecord } from "@/lib/entities/read-model-export";
import { parseEntityApiQuery } from "@/lib/entities/read-model-params";
import { entityBySlug } from "@/lib/entities/registry";
import { fromURLSearchParams } from "@/lib/lists/search-params";

export const dynamic = "force-dynamic";

export const GET = withUser(z.looseObject({ entity: z.string() }), async ({ user, input, request }) => {
  const def = entityBySlug(input.entity);
  if (!def) throw new AppError("not_found");
  const query = parseEntityApiQuery(def, fromURLSearchParams(new URL(request.url).searchParams));
  const page = await listEntity(await getDb(), user, def, query);
  return shapedJson(entitySchemas(def).list, {
    data: page.rows.map((r) => apiRecord(def, r)),
    page: { next: page.next, prev: page.prev, total: page.total, limit: query.size },
  });
}, { name: "GET /api/v1/{entity}", getUser: apiCaller });
