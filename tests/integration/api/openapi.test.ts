import { callRoute } from "@/tests/helpers/route"; // first: sets up Next's runtime for the route modules below
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_ROUTES, type ApiRoute } from "@/lib/api/routes";
import { createApiToken } from "@/lib/api-tokens";
import { ENTITIES, SYNC_ENTITIES, entitySlug } from "@/lib/entities/registry";
import { apiIdKey } from "@/lib/entities/read-model-export";
import { syncTenant, waitForBackgroundSyncs } from "@/lib/sync";
import { seedSession, seedUser } from "@/tests/helpers/seed-mirror";
import { connectSimUser, SIM_SCOPES, type SimConnectedUser } from "@/tests/helpers/sim-connect";
import { createWorld, type SyncWorld } from "../sync/harness";
import * as entityList from "@/app/api/v1/[entity]/route";
import * as entityById from "@/app/api/v1/[entity]/[tenantId]/route";
import * as entityInTenant from "@/app/api/v1/[entity]/[tenantId]/[id]/route";
import * as tenants from "@/app/api/v1/tenants/route";
import * as tenantOne from "@/app/api/v1/tenants/[tenantId]/route";
import * as tenantSync from "@/app/api/v1/tenants/[tenantId]/sync/route";
import * as sessions from "@/app/api/v1/sessions/route";
import * as sessionOne from "@/app/api/v1/sessions/[id]/route";
import * as openapi from "@/app/api/v1/openapi.json/route";

/**
 * The read API against its own OpenAPI document, on real data: an organisation of the simulator
 * synced over HTTP (every entity, journals included), then every route of the route table called
 * through its real handler and each answer (200s and the errors 400, 401, 404) validated with
 * Ajv2020 against the document served by GET /api/v1/openapi.json. Every parameter of every route
 * gets a bad value made from its documented schema and must answer a 400 naming it. The document
 * is checked as OpenAPI 3.1, and app/api/v1 is walked so a route without a table entry fails.
 */

type Handler = (request: Request, context?: { params: Promise<Record<string, string>> }) => Promise<Response>;
type Json = Record<string, unknown>;

const MODULES: Record<string, Record<string, unknown>> = {
  "app/api/v1/[entity]/route.ts": entityList,
  "app/api/v1/[entity]/[tenantId]/route.ts": entityById,
  "app/api/v1/[entity]/[tenantId]/[id]/route.ts": entityInTenant,
  "app/api/v1/tenants/route.ts": tenants,
  "app/api/v1/tenants/[tenantId]/route.ts": tenantOne,
  "app/api/v1/tenants/[tenantId]/sync/route.ts": tenantSync,
  "app/api/v1/sessions/route.ts": sessions,
  "app/api/v1/sessions/[id]/route.ts": sessionOne,
  "app/api/v1/openapi.json/route.ts": openapi,
};

const ROOT = path.resolve(import.meta.dirname, "../../..");
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

/** Every route.ts under app/api/v1 with the methods it exports. */
function routeFiles(dir = path.join(ROOT, "app/api/v1")): { file: string; methods: string[] }[] {
  const out: { file: string; methods: string[] }[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...routeFiles(full));
    else if (/^route\.(ts|tsx|js)$/.test(e.name)) {
      const text = readFileSync(full, "utf8");
      const methods = METHODS.filter((m) => new RegExp(`export (const|async function|function) ${m}\\b`).test(text));
      out.push({ file: path.relative(ROOT, full).split(path.sep).join("/"), methods });
    }
  }
  return out;
}

/** Next's params of a concrete URL path for a route file: its [segments] by position. */
function nextParams(file: string, urlPath: string): Record<string, string> {
  const dirs = file.replace(/^app\/api\/v1\/?/, "").replace(/\/?route\.ts$/, "").split("/").filter(Boolean);
  const segs = urlPath.replace(/^\/api\/v1\/?/, "").split("/").filter(Boolean);
  const params: Record<string, string> = {};
  dirs.forEach((d, i) => {
    const m = /^\[(.+)\]$/.exec(d);
    if (m) params[m[1]!] = decodeURIComponent(segs[i]!);
  });
  return params;
}

/** A documented path with its {placeholders} filled. */
function fill(route: ApiRoute, values: Record<string, string>): string {
  return route.path.replace(/\{(\w+)\}/g, (_, k: string) => {
    if (values[k] === undefined) throw new Error(`${route.operationId}: no value for {${k}}`);
    return encodeURIComponent(values[k]!);
  });
}

/** A value its documented schema refuses (and the route's zod schema with it). */
function badValue(schema: Json): string {
  if (Array.isArray(schema.enum)) return "not-one-of-them";
  if (schema.const !== undefined) return `${String(schema.const)}x`;
  if (schema.format === "uuid") return "not-a-uuid";
  if (schema.format === "date") return "2026-02-30";
  if (typeof schema.pattern === "string") return "x";
  if (typeof schema.maxLength === "number") return "x".repeat(schema.maxLength + 1);
  return "\u0001"; // free text: control characters only, not a search nor a cursor
}

describe("read API: every route against its OpenAPI 3.1 document", () => {
  let world: SyncWorld;
  let me: SimConnectedUser;
  let tenant: SimConnectedUser["tenants"][number];
  let bearer: Record<string, string>;
  let cookie: Record<string, string>;
  let doc: Json;
  let ajv: Ajv2020;
  let syncSessionId: string;

  const call = (route: ApiRoute, values: Record<string, string>, query = "", headers: Record<string, string> = route.auth === "session" ? cookie : bearer) => {
    const urlPath = fill(route, values);
    const handler = MODULES[route.file]?.[route.method] as Handler | undefined;
    if (!handler) throw new Error(`no handler for ${route.method} ${route.file}`);
    const request = new Request(`http://localhost${urlPath}${query}`, { method: route.method, headers });
    const params = nextParams(route.file, urlPath);
    return callRoute(handler, request, world.db, Object.keys(params).length ? params : undefined);
  };

  /** The body, validated against the document's schema of the route's answer with this status. */
  const expectDocumented = async (route: ApiRoute, res: Response, status: number): Promise<Json> => {
    const text = await res.text();
    expect(res.status, `${route.operationId}: ${text.slice(0, 500)}`).toBe(status);
    const body = JSON.parse(text) as Json;
    const op = (doc.paths as Record<string, Record<string, Json>>)[route.path]![route.method.toLowerCase()]!;
    const schema = ((op.responses as Record<string, Json>)[String(status)]!.content as Record<string, { schema: { $ref: string } }>)["application/json"]!.schema;
    const validate = ajv.getSchema(`openapi.json${schema.$ref}`);
    expect(validate, schema.$ref).toBeTruthy();
    const ok = validate!(body);
    expect(ok, `${route.operationId} ${status}: ${JSON.stringify(validate!.errors?.slice(0, 3))}`).toBe(true);
    return body;
  };

  /** Valid values for the path placeholders of a route, from the synced data. */
  const values = new Map<ApiRoute, Record<string, string>>();

  beforeAll(async () => {
    world = await createWorld([{ name: "Reference Org (NZ)", invoices: 120, contacts: 40 }]);
    me = await connectSimUser(world.db.db, world.sim, undefined, [...SIM_SCOPES, "accounting.journals.read"]);
    tenant = me.tenants[0]!;
    const result = await syncTenant(world.db.db, { tenantId: tenant.id, trigger: "manual", entities: [...SYNC_ENTITIES] });
    expect(result.status).toBe("success");
    syncSessionId = (result as { sessionId: string }).sessionId;
    bearer = { authorization: `Bearer ${(await createApiToken(world.db.db, me.userId, { name: "openapi test", access: "read_write" })).token}` };
    cookie = { cookie: `next-auth.session-token=${await seedSession(world.db.db, me.userId)}` };

    const route = API_ROUTES.find((r) => r.operationId === "getOpenApi")!;
    const res = await call(route, {});
    expect(res.status).toBe(200);
    doc = (await res.json()) as Json;
    ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema(doc, "openapi.json");
  });
  afterAll(async () => {
    await waitForBackgroundSyncs();
    await world?.close();
  });

  it("the document is OpenAPI 3.1: structure, unique operations, declared path parameters, resolvable schemas", () => {
    expect(doc.openapi).toBe("3.1.0");
    // The default dialect of 3.1 (JSON Schema 2020-12 with OpenAPI's vocabulary): what zod generates.
    expect(doc.jsonSchemaDialect).toBeUndefined();
    expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    const components = doc.components as { schemas: Record<string, Json>; securitySchemes: Record<string, Json> };
    expect(components.securitySchemes.bearerToken).toMatchObject({ type: "http", scheme: "bearer" });
    const operationIds = new Set<string>();
    for (const [p, item] of Object.entries(doc.paths as Record<string, Record<string, Json>>)) {
      expect(p.startsWith("/api/v1/"), p).toBe(true);
      for (const [method, op] of Object.entries(item)) {
        expect(["get", "post"]).toContain(method);
        expect(operationIds.has(op.operationId as string), String(op.operationId)).toBe(false);
        operationIds.add(op.operationId as string);
        const params = op.parameters as { name: string; in: string; required: boolean; schema: Json }[];
        const placeholders = [...p.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
        expect(params.filter((x) => x.in === "path").map((x) => x.name).sort(), p).toEqual(placeholders.sort());
        for (const x of params) {
          expect(["path", "query"]).toContain(x.in);
          if (x.in === "path") expect(x.required).toBe(true);
          expect(ajv.validateSchema(x.schema), `${p} ${x.name}`).toBe(true);
        }
        for (const [status, r] of Object.entries(op.responses as Record<string, Json>)) {
          expect(status).toMatch(/^[1-5]\d\d$/);
          expect(typeof r.description).toBe("string");
          const ref = (r.content as Record<string, { schema: { $ref: string } }>)["application/json"]!.schema.$ref;
          expect(components.schemas[ref.replace("#/components/schemas/", "")], ref).toBeDefined();
        }
        for (const s of op.security as Record<string, unknown>[]) for (const k of Object.keys(s)) expect(components.securitySchemes[k], k).toBeDefined();
      }
    }
    // Every schema compiles as JSON Schema 2020-12 with its references resolved.
    for (const name of Object.keys(components.schemas)) expect(ajv.getSchema(`openapi.json#/components/schemas/${name}`), name).toBeTruthy();
    expect(operationIds.size).toBe(API_ROUTES.length);
  });

  it("lists every route of app/api/v1 (a new route without a table entry fails)", () => {
    const files = routeFiles();
    expect(files.length).toBeGreaterThan(0);
    for (const { file, methods } of files) {
      expect(MODULES[file], `${file}: add it to lib/api/routes.ts and to this test's modules`).toBeDefined();
      for (const m of methods) expect(API_ROUTES.some((r) => r.file === file && r.method === m), `${m} ${file} has no entry in lib/api/routes.ts`).toBe(true);
    }
    for (const r of API_ROUTES) {
      const f = files.find((x) => x.file === r.file);
      expect(f?.methods, `${r.operationId}: ${r.file}`).toContain(r.method);
      // The documented path has the file's shape: as many segments, the static ones equal.
      const dirs = r.file.replace(/^app\//, "").replace(/\/route\.ts$/, "").split("/");
      const segs = r.path.replace(/^\//, "").split("/");
      expect(segs.length, r.path).toBe(dirs.length);
      dirs.forEach((d, i) => {
        if (!d.startsWith("[")) expect(segs[i], r.path).toBe(d);
      });
      expect(Object.keys((doc.paths as Record<string, Json>)[r.path] ?? {})).toContain(r.method.toLowerCase());
    }
    // And every entity has its list and records.
    for (const def of ENTITIES) expect(API_ROUTES.filter((r) => r.entity === def).map((r) => r.path)).toEqual([`/api/v1/${entitySlug(def)}`, `/api/v1/${entitySlug(def)}/{id}`, `/api/v1/${entitySlug(def)}/{tenantId}/{id}`]);
  });

  it("every route's answer matches the document: each entity, tenants, sessions, the document itself", async () => {
    for (const def of ENTITIES) {
      const list = API_ROUTES.find((r) => r.entity === def && r.path === `/api/v1/${entitySlug(def)}`)!;
      const page = (await expectDocumented(list, await call(list, {}, "?limit=3"), 200)) as { data: Json[]; page: { total: number; next: string | null } };
      expect(page.data.length, def.name).toBeGreaterThan(0);
      if (page.page.next) await expectDocumented(list, await call(list, {}, `?limit=3&after=${page.page.next}`), 200);
      // The same route as a change feed: its other documented answer, followed by its cursor.
      const feed = (await expectDocumented(list, await call(list, {}, "?changed_since=0&limit=2"), 200)) as { data: Json[]; changes: { next: string; has_more: boolean } };
      expect(feed.data.length, def.name).toBeGreaterThan(0);
      await expectDocumented(list, await call(list, {}, `?changed_since=${feed.changes.next}&limit=2`), 200);
      const first = page.data[0]!;
      const id = String(first[apiIdKey(def)]);
      values.set(list, {});
      for (const r of API_ROUTES.filter((x) => x.entity === def && x !== list)) {
        const v: Record<string, string> = r.path.includes("{tenantId}") ? { tenantId: tenant.id, id } : { id };
        values.set(r, v);
        const body = (await expectDocumented(r, await call(r, v), 200)) as { data: Json };
        expect(body.data[apiIdKey(def)], r.operationId).toBe(first[apiIdKey(def)]);
        expect(body.data.raw).toBeTruthy();
      }
    }
    const named = (id: string) => API_ROUTES.find((r) => r.operationId === id)!;
    const list = (await expectDocumented(named("listTenants"), await call(named("listTenants"), {}), 200)) as { data: Json[] };
    expect(list.data.map((t) => t.id)).toEqual([tenant.id]);
    values.set(named("listTenants"), {});
    for (const id of ["getTenant", "getTenantSync"]) {
      values.set(named(id), { id: tenant.id });
      const one = (await expectDocumented(named(id), await call(named(id), { id: tenant.id }), 200)) as Record<string, Json>;
      expect(one.data ?? one.tenant).toEqual(list.data[0]);
    }
    const sessionsPage = (await expectDocumented(named("listSessions"), await call(named("listSessions"), {}, "?kind=sync&limit=1"), 200)) as { data: Json[] };
    expect(sessionsPage.data.map((s) => s.id)).toEqual([syncSessionId]);
    await expectDocumented(named("listSessions"), await call(named("listSessions"), {}, "?limit=2"), 200);
    values.set(named("listSessions"), {});
    values.set(named("getSession"), { id: syncSessionId });
    const session = (await expectDocumented(named("getSession"), await call(named("getSession"), { id: syncSessionId }), 200)) as { data: Json };
    expect(session.data).toMatchObject({ id: syncSessionId, kind: "sync", outcome: "success", tenantId: tenant.id });
    expect(session.data).not.toHaveProperty("userId");
    values.set(named("getOpenApi"), {});
    await expectDocumented(named("getOpenApi"), await call(named("getOpenApi"), {}), 200);
    // Starting a sync answers 202 as documented (the run goes on in the background).
    values.set(named("startTenantSync"), { id: tenant.id });
    await expectDocumented(named("startTenantSync"), await call(named("startTenantSync"), { id: tenant.id }), 202);
    await waitForBackgroundSyncs();
    for (const r of API_ROUTES) expect(values.has(r), `${r.operationId} was not called`).toBe(true);

    // The log's filters and keyset paging, as documented: two syncs now, newest first.
    const ls = named("listSessions");
    const page = async (query: string) => (await expectDocumented(ls, await call(ls, {}, query), 200)) as { data: Json[]; page: { next: string | null; prev: string | null } };
    const both = await page(`?org=${tenant.id}&kind=sync&trigger=manual&status=success`);
    expect(both.data).toHaveLength(2);
    expect(both.data[1]!.id).toBe(syncSessionId);
    expect((await page(`?org=${tenant.id}&trigger=webhook`)).data).toEqual([]);
    const p1 = await page(`?org=${tenant.id}&kind=sync&limit=1`);
    expect(p1.data.map((x) => x.id)).toEqual([both.data[0]!.id]);
    const p2 = await page(`?org=${tenant.id}&kind=sync&limit=1&after=${p1.page.next}`);
    expect(p2.data.map((x) => x.id)).toEqual([syncSessionId]);
    expect(p2.page.next).toBeNull();
    const back = await page(`?org=${tenant.id}&kind=sync&limit=1&before=${p2.page.prev}`);
    expect(back.data.map((x) => x.id)).toEqual([both.data[0]!.id]);
  });

  it("errors match the document: 401 without credentials, 404 outside the caller's organisations", async () => {
    const other = world.user.tenants[0]!; // the same organisation through another user's grant
    for (const r of API_ROUTES) {
      const v = values.get(r)!;
      if (r.auth !== "none") {
        const res = await call(r, v, "", r.auth === "session" ? {} : { authorization: "Bearer xs_wrong" });
        const body = (await expectDocumented(r, res, 401)) as { error: { code: string } };
        expect(body.error.code).toBe("unauthorized");
      }
      if ("id" in v || "tenantId" in v) {
        const foreign = r.operationId === "getSession" ? { id: "00000000-0000-4000-8000-000000000000" } : Object.fromEntries(Object.entries(v).map(([k, x]) => [k, x === tenant.id ? other.id : x]));
        if (JSON.stringify(foreign) === JSON.stringify(v)) continue; // an entity's id alone: held by my organisation
        const body = (await expectDocumented(r, await call(r, foreign), 404)) as { error: { code: string } };
        expect(body.error.code, r.operationId).toBe("not_found");
      }
    }
    // A record id held by none of the caller's organisations is 404 too, never 403.
    const stranger = await seedUser(world.db.db, { email: "stranger@example.test" });
    const theirs = { authorization: `Bearer ${(await createApiToken(world.db.db, stranger.id, { name: "stranger" })).token}` };
    for (const r of API_ROUTES.filter((x) => x.entity && x.path.endsWith("/{id}"))) {
      const body = (await expectDocumented(r, await call(r, values.get(r)!, "", theirs), 404)) as { error: { code: string } };
      expect(body.error.code, r.operationId).toBe("not_found");
    }
  });

  it("every parameter of every route: a bad value is a 400 naming it, as documented", async () => {
    let checked = 0;
    for (const r of API_ROUTES) {
      const op = (doc.paths as Record<string, Record<string, Json>>)[r.path]![r.method.toLowerCase()]!;
      const params = op.parameters as { name: string; in: "path" | "query"; schema: Json }[];
      expect(params.map((p) => p.name).sort()).toEqual([...Object.keys(r.pathParams), ...Object.keys(r.query)].sort());
      for (const p of params) {
        const bad = badValue(p.schema);
        const v = { ...values.get(r)! };
        let query = "";
        if (p.in === "path") v[p.name] = bad;
        else query = `?${new URLSearchParams({ [p.name]: bad })}`;
        const body = (await expectDocumented(r, await call(r, v, query), 400)) as { error: { code: string; details: { fieldErrors: Record<string, string[]> } } };
        expect(body.error.code).toBe("bad_request");
        expect(Object.keys(body.error.details.fieldErrors), `${r.operationId} ${p.name}`).toContain(p.name);
        checked++;
      }
      // And a parameter the route does not have.
      const body = (await expectDocumented(r, await call(r, values.get(r)!, "?stauts=PAID"), 400)) as { error: { details: { fieldErrors: Record<string, string[]> } } };
      expect(Object.keys(body.error.details.fieldErrors), r.operationId).toEqual(["stauts"]);
    }
    expect(checked).toBeGreaterThan(API_ROUTES.length);
  });
});
