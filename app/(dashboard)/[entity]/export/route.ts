/**
 * GET /{entity}/export?<the list's filters> — the filtered list of any entity as CSV (the view's
 * csv columns), streamed in keyset batches (100,000 rows never sit in memory). Session required
 * (the one wrapper); filters are parsed exactly as the page parses them, malformed values fall back.
 */
import { z } from "zod";
import { withUser } from "@/lib/http/handler";
import { getDb } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { entityBatches } from "@/lib/entities/read-model";
import { csvCells, csvHeader } from "@/lib/entities/read-model-export";
import { parseEntityQuery } from "@/lib/entities/read-model-params";
import { entityBySlug, entitySlug } from "@/lib/entities/registry";
import { csvResponse } from "@/lib/lists/csv";
import { fromURLSearchParams } from "@/lib/lists/search-params";
import { listUserTenants } from "@/lib/lists/tenant-scope";

export const dynamic = "force-dynamic";

export const GET = withUser(z.looseObject({ entity: z.string() }), async ({ user, input, request }) => {
  const def = entityBySlug(input.entity);
  if (!def) throw new AppError("not_found");
  const query = parseEntityQuery(def, fromURLSearchParams(new URL(request.url).searchParams));
  const db = await getDb();
  const names = new Map((await listUserTenants(db, user.id)).map((t) => [t.id, t.name]));
  async function* rows() {
    for await (const batch of entityBatches(db, user.id, def!, query, 2000)) yield batch.map((r) => csvCells(def!, r, names.get(r.tenantId)));
  }
  return csvResponse(`${entitySlug(def)}-${new Date().toISOString().slice(0, 10)}.csv`, csvHeader(def), rows());
}, { name: "GET /{entity}/export" });
