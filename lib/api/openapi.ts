import { z } from "zod";
import { ENTITIES } from "@/lib/entities/registry";
import { API_ROUTES, type ApiRoute, type ApiResponse } from "./routes";
import type { ParamShape } from "./params";
import { apiError, entitySchemas, session, tenantStatus } from "./schemas";

/**
 * The read API's OpenAPI 3.1 document, generated from the route table's zod schemas with zod's
 * own z.toJSONSchema (draft 2020-12, the dialect of OpenAPI 3.1): parameters from the schemas that
 * parse them (their input side), answers from the schemas that shape them (their output side).
 * Nothing in it is written twice by hand. Built once per process.
 */

type Json = Record<string, unknown>;

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

const FORMATS_WITH_PATTERN = new Set(["date", "date-time", "uuid"]);

/**
 * What z.toJSONSchema adds that the document does without: $schema and $id on each schema, and
 * the long regular expression beside a format that says the same (date, date-time, uuid).
 */
function clean(schema: Json): Json {
  const { $schema: _s, $id: _i, ...rest } = schema;
  return strip(rest) as Json;
}

function strip(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(strip);
  if (v === null || typeof v !== "object") return v;
  const o = v as Json;
  const out: Json = {};
  for (const [k, x] of Object.entries(o)) {
    if (k === "pattern" && typeof o.format === "string" && FORMATS_WITH_PATTERN.has(o.format)) continue;
    out[k] = strip(x);
  }
  return out;
}

const ERRORS: Record<number, string> = {
  400: "A bad parameter (each named in `details.fieldErrors`), or an unknown one",
  401: "No session and no valid bearer token",
  404: "No such route or record among your organisations",
  429: "Past the token's rate limit: wait `Retry-After` seconds",
  500: "Our bug or an outage; nothing secret in the message",
};

function pascal(slug: string): string {
  return slug.replace(/(^|-)([a-z])/g, (_, _d: string, c: string) => c.toUpperCase());
}

function parameters(where: "path" | "query", shape: ParamShape): Json[] {
  return Object.entries(shape).map(([name, s]) => {
    const { description, ...schema } = clean(z.toJSONSchema(s, { target: "draft-2020-12", io: "input" }) as Json);
    return { name, in: where, required: where === "path", ...(typeof description === "string" ? { description } : {}), schema };
  });
}

function jsonContent(schema: Json) {
  return { "application/json": { schema } };
}

/** Sent on every answer to a bearer token (errors included): its rate-limit budget. */
const RATE_LIMIT_HEADERS: Json = {
  "RateLimit-Limit": { description: "Requests the token may make per window", schema: { type: "integer" } },
  "RateLimit-Remaining": { description: "Requests left in the current window", schema: { type: "integer" } },
  "RateLimit-Reset": { description: "Seconds until the window starts afresh", schema: { type: "integer" } },
};

function operation(route: ApiRoute, names: Map<z.ZodType, string>): Json {
  const responses: Json = {};
  const headers = route.auth === "api" ? { headers: RATE_LIMIT_HEADERS } : {};
  for (const [status, r] of Object.entries(route.responses) as [string, ApiResponse][]) {
    responses[status] = { description: r.description, ...headers, content: jsonContent(ref(names.get(r.schema)!)) };
  }
  const errors = [400, 404, 500, ...(route.auth === "none" ? [] : [401]), ...(route.auth === "api" ? [429] : [])].sort();
  for (const status of errors) {
    const retry = status === 429 ? { "Retry-After": { description: "Seconds to wait", schema: { type: "integer" } } } : {};
    responses[status] = { description: ERRORS[status], ...(route.auth === "api" ? { headers: { ...RATE_LIMIT_HEADERS, ...retry } } : {}), content: jsonContent(ref("Error")) };
  }
  for (const [status, description] of Object.entries(route.errors ?? {})) responses[status] = { description, content: jsonContent(ref("Error")) };
  return {
    operationId: route.operationId,
    tags: [route.tag],
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    security: route.auth === "api" ? [{ bearerToken: [] }, { session: [] }] : route.auth === "session" ? [{ session: [] }] : [],
    parameters: [...parameters("path", route.pathParams), ...parameters("query", route.query)],
    responses,
  };
}

let cached: Json | undefined;

export function openApiDocument(): Json {
  if (cached) return cached;
  const registry = z.registry<{ id: string }>();
  const names = new Map<z.ZodType, string>();
  const name = (schema: z.ZodType, id: string) => {
    if (names.has(schema)) return;
    registry.add(schema, { id });
    names.set(schema, id);
  };
  name(apiError, "Error");
  name(tenantStatus, "Tenant");
  name(session, "Session");
  for (const def of ENTITIES) name(entitySchemas(def).record, pascal(def.singular.toLowerCase().replace(/ /g, "-")));
  for (const route of API_ROUTES) for (const r of Object.values(route.responses)) name(r.schema, r.name);
  const generated = z.toJSONSchema(registry, { target: "draft-2020-12", io: "output", uri: (id) => `#/components/schemas/${id}` }) as { schemas: Record<string, Json> };
  const schemas = Object.fromEntries(Object.entries(generated.schemas).map(([k, v]) => [k, clean(v)]));

  const paths: Record<string, Json> = {};
  for (const route of API_ROUTES) (paths[route.path] ??= {})[route.method.toLowerCase()] = operation(route, names);
  cached = {
    openapi: "3.1.0",
    info: {
      title: "Xero Sync read API",
      version: "1",
      description:
        "The mirror of your Xero organisations, read from your own programs. Create a token under API tokens (/settings/api) and send it as `Authorization: Bearer xs_…`. Errors are `{ error: { code, message, details? } }` with the HTTP status of the code.",
    },
    tags: [
      { name: "Organisations" },
      { name: "Sessions", description: "The log of every interaction with Xero" },
      ...ENTITIES.map((def) => ({ name: def.label })),
      { name: "Reference" },
    ],
    paths,
    components: {
      schemas,
      securitySchemes: {
        bearerToken: { type: "http", scheme: "bearer", bearerFormat: "xs_…", description: "A personal API token from /settings/api (shown once, stored hashed)" },
        session: { type: "apiKey", in: "cookie", name: "next-auth.session-token", description: "The dashboard's sign-in (`__Secure-next-auth.session-token` over https)" },
      },
    },
  };
  return cached;
}
