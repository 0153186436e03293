/**
 * GET /{entity}/export?<the list's filters> — the filtered list of any entity as CSV (the view's
 * csv columns), streamed in keyset batches (100,000 rows never sit in memory). Session required
 * (the one wrapper); filters are parsed exactly as the page parses them, malformed values fall back.
 */
import { z } from "zod";
import { withUser } from "@/lib/http/handler";
import { getDb } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { entityCsvResponse } from "@/lib/entities/read-model-export";
import { parseEntityQuery } from "@/lib/entities/read-model-params";
import { entityBySlug } from "@/lib/entities/registry";
import { fromURLSearchParams } from "@/lib/lists/search-params";

export const dynamic = "force-dynamic";

export const GET = withUser(z.looseObject({ entity: z.string() }), async ({ user, input, request }) => {
  const def = entityBySlug(input.entity);
  if (!def) throw new AppError("not_found");
  const query = parseEntityQuery(def, fromURLSearchParams(new URL(request.url).searchParams));
  return entityCsvResponse(await getDb(), user, def, query);
}, { name: "GET /{entity}/export" });
