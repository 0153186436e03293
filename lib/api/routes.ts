import { z } from "zod";
import type { EntityDefinition } from "@/lib/entities/definition";
import { entityQueryShape, recordIdValue, uuidValue, apiLimit } from "@/lib/entities/read-model-params";
import { apiIdKey } from "@/lib/entities/read-model-export";
import { ENTITIES, entitySlug } from "@/lib/entities/registry";
import { SESSION_KINDS, SESSION_OUTCOMES } from "@/lib/db/schema";
import { SESSION_TRIGGERS } from "@/lib/history/read-model";
import type { ParamShape } from "./params";
import {
  changesSchema,
  entitySchemas,
  sessionList,
  sessionOne,
  syncStarted,
  tenantList,
  tenantOne,
  tenantSyncStatus,
} from "./schemas";

/**
 * Every route of the read API (app/api/v1) with its parameters and answers as zod schemas: the
 * handlers parse and shape through these, the OpenAPI document (lib/api/openapi.ts) is generated
 * from them, and the tests walk them (a route folder without an entry here fails). Routes generic
 * over the entities have one entry per entity, since each has its own filters and record.
 */

export type ApiAuth = "api" | "session" | "none";

export interface ApiResponse {
  description: string;
  schema: z.ZodType;
  /** Its name under components.schemas. */
  name: string;
}

export interface ApiRoute {
  method: "GET" | "POST";
  /** As OpenAPI writes it: /api/v1/invoices/{id}. */
  path: string;
  /** The handler's file (app/api/v1/…/route.ts). */
  file: string;
  operationId: string;
  tag: string;
  summary: string;
  description?: string;
  /** api: a bearer token or the browser session; session: the browser session only. */
  auth: ApiAuth;
  pathParams: ParamShape;
  query: ParamShape;
  /** By HTTP status; the errors (400, 401, 404, 500) are added to every route. */
  responses: Record<number, ApiResponse>;
  /** Errors beyond those, with what they mean here. */
  errors?: Record<number, string>;
  /** The entity of a route generic over them. */
  entity?: EntityDefinition;
}

const NO_PARAMS: ParamShape = {};
const tenantIdPath: ParamShape = { id: uuidValue.meta({ description: "The organisation's id (`id` of GET /api/v1/tenants)" }) };
const sessionIdPath: ParamShape = { id: uuidValue.meta({ description: "The session's id" }) };

/** The query of GET /api/v1/sessions. */
export const SESSIONS_QUERY: ParamShape = {
  org: uuidValue.meta({ description: "Only this organisation's" }),
  kind: z.enum(SESSION_KINDS, `must be one of ${SESSION_KINDS.join(", ")}`),
  trigger: z.enum(SESSION_TRIGGERS, `must be one of ${SESSION_TRIGGERS.join(", ")}`).meta({ description: "What started it" }),
  status: z.enum(SESSION_OUTCOMES, `must be one of ${SESSION_OUTCOMES.join(", ")}`).meta({ description: "Its outcome (interrupted: also a run whose process died)" }),
  limit: apiLimit,
  after: z.string().meta({ description: "`page.next` of the previous answer" }),
  before: z.string().meta({ description: "`page.prev` of the previous answer" }),
};

/**
 * The change feed's parameter of every entity list: with `org` and `limit` only, the answer is
 * `{ data, changes: { next, has_more } }` instead of a page.
 */
export const CHANGED_SINCE_PARAM: ParamShape = {
  changed_since: z.string().meta({ description: "The records changed after this cursor (`changes.next` of a previous answer), oldest first; with `org` and `limit` only" }),
};

const queryShapes = new WeakMap<EntityDefinition, ParamShape>();

/** The list query of an entity as documented: its filters, search and paging, and the change feed's cursor. */
export function entityListQuery(def: EntityDefinition): ParamShape {
  let shape = queryShapes.get(def);
  if (!shape) {
    shape = { ...entityQueryShape(def, "api"), ...CHANGED_SINCE_PARAM };
    queryShapes.set(def, shape);
  }
  return shape;
}

const recordIdPaths = new WeakMap<EntityDefinition, { id: ParamShape; tenantAndId: ParamShape }>();

export function recordIdParams(def: EntityDefinition): { id: ParamShape; tenantAndId: ParamShape } {
  let hit = recordIdPaths.get(def);
  if (!hit) {
    const id = recordIdValue(def).meta({ description: `Xero's ${def.xero.idField}` });
    hit = { id: { id }, tenantAndId: { tenantId: tenantIdPath.id!, id } };
    recordIdPaths.set(def, hit);
  }
  return hit;
}

function pascal(slug: string): string {
  return slug.replace(/(^|-)([a-z])/g, (_, _d: string, c: string) => c.toUpperCase());
}

function entityRoutes(def: EntityDefinition): ApiRoute[] {
  const slug = entitySlug(def);
  const name = pascal(slug);
  const s = entitySchemas(def);
  const label = def.label.toLowerCase();
  const idKey = apiIdKey(def);
  const detail: ApiResponse = { description: "The record, Xero's JSON and its related records", schema: z.strictObject({ data: s.detail }), name: `${name}Detail` };
  return [
    {
      method: "GET",
      path: `/api/v1/${slug}`,
      file: "app/api/v1/[entity]/route.ts",
      operationId: `list${name}`,
      tag: def.label,
      summary: `List ${label}`,
      description: `Your ${label}, keyset-paged: pass \`page.next\` as \`after\` for the following page. Money is a decimal string, dates YYYY-MM-DD, instants ISO-8601 UTC.`,
      auth: "api",
      pathParams: NO_PARAMS,
      query: entityListQuery(def),
      responses: {
        200: {
          description: `A page of ${label}; with \`changed_since\`, the changes after that cursor`,
          schema: z.union([s.list, changesSchema(def)]),
          name: `${name}Page`,
        },
      },
      entity: def,
    },
    {
      method: "GET",
      path: `/api/v1/${slug}/{id}`,
      file: "app/api/v1/[entity]/[tenantId]/route.ts",
      operationId: `get${name}`,
      tag: def.label,
      summary: `One of the ${label} by Xero's id`,
      description: `The record whose \`${idKey}\` this is among your organisations. An id held by several of them (a code such as a tax type) is a 400: ask /api/v1/${slug}/{tenantId}/{id}.`,
      auth: "api",
      pathParams: recordIdParams(def).id,
      query: NO_PARAMS,
      responses: { 200: detail },
      entity: def,
    },
    {
      method: "GET",
      path: `/api/v1/${slug}/{tenantId}/{id}`,
      file: "app/api/v1/[entity]/[tenantId]/[id]/route.ts",
      operationId: `get${name}InTenant`,
      tag: def.label,
      summary: `One of the ${label} of one organisation`,
      auth: "api",
      pathParams: recordIdParams(def).tenantAndId,
      query: NO_PARAMS,
      responses: { 200: detail },
      entity: def,
    },
  ];
}

/** The OpenAPI document's own route (its answer's schema is the structure of an OpenAPI 3.1 document). */
export const openApiDocumentSchema = z
  .looseObject({
    openapi: z.literal("3.1.0"),
    info: z.looseObject({ title: z.string(), version: z.string() }),
    paths: z.record(z.string(), z.record(z.string(), z.unknown())),
    components: z.looseObject({}),
  })
  .meta({ description: "This document (OpenAPI 3.1)" });

export const API_ROUTES: readonly ApiRoute[] = [
  {
    method: "GET",
    path: "/api/v1/tenants",
    file: "app/api/v1/tenants/route.ts",
    operationId: "listTenants",
    tag: "Organisations",
    summary: "Your organisations with their sync status",
    description: "State, connection and rate limit, the running and latest sync with their progress, the next sync; per entity the records held, last success / attempt / error, last full sync and cursor.",
    auth: "api",
    pathParams: NO_PARAMS,
    query: NO_PARAMS,
    responses: { 200: { description: "Every organisation of yours", schema: tenantList, name: "TenantList" } },
  },
  {
    method: "GET",
    path: "/api/v1/tenants/{id}",
    file: "app/api/v1/tenants/[tenantId]/route.ts",
    operationId: "getTenant",
    tag: "Organisations",
    summary: "One organisation's sync status",
    auth: "api",
    pathParams: tenantIdPath,
    query: NO_PARAMS,
    responses: { 200: { description: "The organisation, as an item of the list", schema: tenantOne, name: "TenantOne" } },
  },
  {
    method: "GET",
    path: "/api/v1/tenants/{id}/sync",
    file: "app/api/v1/tenants/[tenantId]/sync/route.ts",
    operationId: "getTenantSync",
    tag: "Organisations",
    summary: "Follow an organisation's sync (the dashboard's poll)",
    auth: "api",
    pathParams: tenantIdPath,
    query: NO_PARAMS,
    responses: { 200: { description: "The organisation's status", schema: tenantSyncStatus, name: "TenantSyncStatus" } },
  },
  {
    method: "POST",
    path: "/api/v1/tenants/{id}/sync",
    file: "app/api/v1/tenants/[tenantId]/sync/route.ts",
    operationId: "startTenantSync",
    tag: "Organisations",
    summary: "Start a sync now",
    description: "`queued`: the server runs as many syncs at once as it allows; this one starts when one ends.",
    auth: "api",
    pathParams: tenantIdPath,
    query: NO_PARAMS,
    responses: { 202: { description: "Started, already running, or queued", schema: syncStarted, name: "SyncStarted" } },
    errors: { 403: "The token is read-only: it cannot start syncs", 409: "It cannot sync now: rate-limited, needs reconnecting, disconnected, or the server is busy or shutting down" },
  },
  {
    method: "GET",
    path: "/api/v1/sessions",
    file: "app/api/v1/sessions/route.ts",
    operationId: "listSessions",
    tag: "Sessions",
    summary: "The log of interactions with Xero, newest first",
    description: "Syncs, token refreshes, Connect Xero, webhook deliveries. Keyset-paged like the entity lists.",
    auth: "api",
    pathParams: NO_PARAMS,
    query: SESSIONS_QUERY,
    responses: { 200: { description: "A page of the log", schema: sessionList, name: "SessionPage" } },
  },
  {
    method: "GET",
    path: "/api/v1/sessions/{id}",
    file: "app/api/v1/sessions/[id]/route.ts",
    operationId: "getSession",
    tag: "Sessions",
    summary: "One session with its progress",
    auth: "api",
    pathParams: sessionIdPath,
    query: NO_PARAMS,
    responses: { 200: { description: "The session", schema: sessionOne, name: "SessionOne" } },
  },
  {
    method: "GET",
    path: "/api/v1/openapi.json",
    file: "app/api/v1/openapi.json/route.ts",
    operationId: "getOpenApi",
    tag: "Reference",
    summary: "This document",
    auth: "none",
    pathParams: NO_PARAMS,
    query: NO_PARAMS,
    responses: { 200: { description: "The OpenAPI 3.1 document of this API", schema: openApiDocumentSchema, name: "OpenApiDocument" } },
  },
  ...ENTITIES.flatMap(entityRoutes),
];

/** The route of a method and documented path (a programming error when absent). */
export function apiRoute(method: ApiRoute["method"], path: string): ApiRoute {
  const route = API_ROUTES.find((r) => r.method === method && r.path === path);
  if (!route) throw new Error(`no API route ${method} ${path}`);
  return route;
}

/** The 200 (or 202) answer's schema of a route. */
export function successSchema(route: ApiRoute): z.ZodType {
  const ok = route.responses[200] ?? route.responses[202];
  if (!ok) throw new Error(`${route.operationId}: no success response`);
  return ok.schema;
}
