import { z } from "zod";
import { fromURLSearchParams } from "@/lib/lists/search-params";

/**
 * The parameters of a read-API route as one zod schema: each path parameter required, each query
 * parameter optional (the first of a repeated one counts; an empty one is absent), and every
 * parameter the route does not know named in the 400, so a misspelt filter never quietly
 * returns another answer. The same shapes describe the parameters in the OpenAPI document.
 */

export type ParamShape = Record<string, z.ZodType>;

function firstValue(v: unknown): unknown {
  const s = Array.isArray(v) ? v[0] : v;
  if (typeof s !== "string") return undefined;
  const t = s.trim();
  return t === "" ? undefined : t;
}

const cache = new WeakMap<ParamShape, WeakMap<ParamShape, z.ZodType<Record<string, unknown>>>>();

export function paramsSchema(path: ParamShape, query: ParamShape): z.ZodType<Record<string, unknown>> {
  const hit = cache.get(path)?.get(query);
  if (hit) return hit;
  const known = [...Object.keys(path), ...Object.keys(query)];
  const shape: Record<string, z.ZodType> = {};
  for (const [k, s] of Object.entries(query)) shape[k] = z.preprocess(firstValue, s.optional());
  for (const [k, s] of Object.entries(path)) shape[k] = z.preprocess(firstValue, s);
  const schema = z.looseObject(shape).superRefine((o, ctx) => {
    for (const key of Object.keys(o)) {
      if (!known.includes(key)) {
        ctx.addIssue({ code: "custom", path: [key], message: known.length ? `is not a parameter of this route (known: ${known.join(", ")})` : "is not a parameter of this route (it takes none)" });
      }
    }
  }) as unknown as z.ZodType<Record<string, unknown>>;
  const byQuery = cache.get(path) ?? new WeakMap();
  byQuery.set(query, schema);
  cache.set(path, byQuery);
  return schema;
}

/** The request's query string and the route's path values (by the document's names), parsed: a ZodError names each bad one. */
export function parseParams(path: ParamShape, query: ParamShape, request: Request, pathValues: Record<string, string> = {}): Record<string, unknown> {
  return paramsSchema(path, query).parse({ ...fromURLSearchParams(new URL(request.url).searchParams), ...pathValues });
}

/** parseParams for a route of the table (lib/api/routes.ts). */
export function routeParams(route: { pathParams: ParamShape; query: ParamShape }, request: Request, pathValues: Record<string, string> = {}): Record<string, unknown> {
  return parseParams(route.pathParams, route.query, request, pathValues);
}
