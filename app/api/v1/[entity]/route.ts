/**
 * GET /api/v1/{entity} — the signed-in user's records of any mirrored entity as JSON,
 * keyset-paginated (/api/v1/invoices, /api/v1/credit-notes …). Query: org, the entity's filters,
 * q, sort, dir, limit (1–200), after / before (the `next` / `prev` cursors of a previous answer);
 * parsed by the entity's zod schema in its strict mode: a malformed value or an unknown parameter
 * → 400 naming it. Answer: { data, page: { next, prev, total, limit } }, shaped by the entity's
 * page schema (lib/api/schemas.ts); money as decimal strings.
 * With `changed_since` (0, or `changes.next` of a previous answer) it is the entity's change feed
 * instead: every record written since, in commit order, `limit` (1–1000) at a time, optionally of
 * one `org`; answer { data, changes: { next, has_more } } (lib/entities/change-feed.ts). Either
 * answer carries a weak ETag and answers 304 to If-None-Match (lib/http/etag.ts).
 * Auth: the browser session, or `Authorization: Bearer xs_…` (personal token from /settings/api;
 * an organisation-limited token lists its organisation only); no, a bad, revoked or expired token
 * → 401 { error }; past the token's rate limit → 429.
 */
import { z } from "zod";
import { jsonWithEtag } from "@/lib/http/etag";
import { withUser } from "@/lib/http/handler";
import { apiCaller } from "@/lib/api-tokens/request-user";
import { shapedBody } from "@/lib/api/respond";
import { changesSchema, entitySchemas } from "@/lib/api/schemas";
import { getDb } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { CHANGE_FEED_PARAM, listEntityChanges, parseChangeFeedQuery } from "@/lib/entities/change-feed";
import { listEntity } from "@/lib/entities/read-model";
import { apiRecord } from "@/lib/entities/read-model-export";
import { parseEntityApiQuery } from "@/lib/entities/read-model-params";
import { entityBySlug } from "@/lib/entities/registry";
import { fromURLSearchParams } from "@/lib/lists/search-params";

export const dynamic = "force-dynamic";

export const GET = withUser(z.looseObject({ entity: z.string() }), async ({ user, input, request }) => {
  const def = entityBySlug(input.entity);
  if (!def) throw new AppError("not_found");
  const params = new URL(request.url).searchParams;
  if (params.has(CHANGE_FEED_PARAM)) {
    const changes = await listEntityChanges(await getDb(), user, def, parseChangeFeedQuery(def, fromURLSearchParams(params)));
    return jsonWithEtag(
      request,
      shapedBody(changesSchema(def), { data: changes.rows.map((r) => apiRecord(def, r)), changes: { next: changes.next, has_more: changes.hasMore } }),
    );
  }
  const query = parseEntityApiQuery(def, fromURLSearchParams(params));
  const page = await listEntity(await getDb(), user, def, query);
  return jsonWithEtag(request, shapedBody(entitySchemas(def).list, {
    data: page.rows.map((r) => apiRecord(def, r)),
    page: { next: page.next, prev: page.prev, total: page.total, limit: query.size },
  }));
}, { name: "GET /api/v1/{entity}", getUser: apiCaller });
