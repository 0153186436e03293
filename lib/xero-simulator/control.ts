/**
 * Control endpoints under /__sim/ for tests and the demo (only when `control` is on).
 * See README.md in this folder for each endpoint's body and answer.
 */
import { timingSafeEqual } from "node:crypto";
import { type Change, type Entity, type TenantSpec, amountDue, mutate } from "./data";
import { ENTITIES, entityByName, entityNames } from "./entities/registry";
import { mutateEntity } from "./entities/mutate";
import { store } from "./entities/store";
import { faultSpecProblem, type FaultSpec } from "./faults";
import { moneyString } from "./format";
import { type Ctx, HttpError, jsonBody, sendJson } from "./http";
import type { LimitConfig } from "./limits";
import { DEFAULT_TENANTS, DEMO_CLIENT_ID, type Sim } from "./state";

/** How long GET /__sim/faults/held?atLeast=&atMost= waits for held requests before answering anyway. */
const HELD_WAIT_MS = 10_000;

/** Header that carries the run's control token (RunningSimulator.controlToken) on every /__sim/ call. */
export const CONTROL_TOKEN_HEADER = "x-sim-control-token";

/**
 * What a control call must show before it runs: the control endpoints change records, faults and
 * the clock, so a web page the demo user happens to visit must not reach them. A browser's
 * cross-site POST can carry text/plain without a CORS preflight, hence: no Origin but the
 * simulator's own, JSON bodies only (415 otherwise), and this run's token in a header, which no
 * cross-site request can set.
 */
export function guardControl(sim: Sim, ctx: Ctx): void {
  const origin = ctx.req.headers.origin;
  if ((origin !== undefined && origin !== new URL(sim.url).origin) || ctx.req.headers["sec-fetch-site"] === "cross-site") {
    throw new HttpError(403, { error: "forbidden", message: "control endpoints do not accept requests from other sites" });
  }
  if (ctx.method !== "GET" && ctx.method !== "HEAD" && ctx.body.length > 0) {
    const type = String(ctx.req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
    if (type !== "application/json") throw new HttpError(415, { error: "unsupported_media_type", message: "control endpoints take Content-Type: application/json" });
  }
  const given = Buffer.from(String(ctx.req.headers[CONTROL_TOKEN_HEADER] ?? ""));
  const expected = Buffer.from(sim.config.controlToken);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new HttpError(401, { error: "unauthorized", message: `control endpoints need the ${CONTROL_TOKEN_HEADER} header with the token the simulator printed at start` });
  }
}

function bad(message: string): HttpError {
  return new HttpError(400, { error: "bad_request", message });
}

function num(v: unknown, name: string, opt = false): number | undefined {
  if (v === undefined && opt) return undefined;
  if (typeof v !== "number" || !Number.isFinite(v)) throw bad(`${name} must be a number`);
  return v;
}

export function tenantSummary(sim: Sim) {
  return sim.tenantList().map((t) => ({
    tenantId: t.id,
    name: t.name,
    shortCode: t.shortCode,
    countryCode: t.profile.countryCode,
    baseCurrency: t.profile.baseCurrency,
    invoices: t.invoices.length,
    contacts: t.contacts.length,
    /** Records per entity (every /__sim/mutate name), hard-deleted ones left out. */
    counts: Object.fromEntries([["invoices", t.invoices.length], ["contacts", t.contacts.length], ...ENTITIES.map((e) => [e.name, store(t, e.name).list.length])]),
    customConnection: t.id === sim.customConnectionTenant,
  }));
}

/** Applies a mutation and fans it out to webhooks. Used by /__sim/mutate and the between-pages fault. */
export function applyMutation(sim: Sim, tenantRef: string | undefined, entity: string, count: number, kinds?: string[]): Change[] {
  const t = sim.findTenant(tenantRef) ?? (tenantRef ? undefined : sim.tenantList()[0]);
  if (!t) throw bad(`unknown tenant ${tenantRef}`);
  const fixture = entityByName(entity);
  if (entity !== "invoices" && entity !== "contacts" && !fixture) throw bad(`entity must be one of ${entityNames().join(", ")}`);
  let changes: Change[];
  const now = sim.clock.now();
  try {
    changes = fixture ? mutateEntity(t, fixture, count, kinds, now) : mutate(t, entity as Entity, count, kinds, now);
  } catch (e) {
    throw bad(e instanceof Error ? e.message : String(e));
  }
  // Whatever path changed a document, what follows from it happens too (the journals it posts).
  for (const e of ENTITIES) e.react?.(t, changes, now);
  sim.webhooks.deliver(t.id, changes);
  return changes;
}

function state(sim: Sim, ctx: Ctx) {
  const t = sim.findTenant(ctx.query.get("tenantId") ?? undefined);
  if (!t) throw bad("tenantId is required and must name a tenant");
  const entity = ctx.query.get("entity") ?? "invoices";
  if (entity === "invoices") {
    return t.invoices.map((i) => ({
      id: i.id,
      number: i.number,
      type: i.type,
      status: i.status,
      contactId: t.contacts[i.contact]?.id ?? null,
      currency: i.currency,
      currencyRate: i.rate,
      lineAmountTypes: i.lat,
      date: new Date(i.dateDay * 86_400_000).toISOString().slice(0, 10),
      dueDate: new Date(i.dueDay * 86_400_000).toISOString().slice(0, 10),
      subTotal: moneyString(i.sub),
      totalTax: moneyString(i.tax),
      total: moneyString(i.total),
      amountPaid: moneyString(i.paid),
      amountCredited: moneyString(i.credited),
      amountDue: moneyString(amountDue(i)),
      updatedDateUtc: new Date(i.updatedMs).toISOString(),
    }));
  }
  if (entity === "contacts") {
    return t.contacts.map((c) => ({ id: c.id, name: c.name, status: c.status, isCustomer: c.isCustomer, isSupplier: c.isSupplier, updatedDateUtc: new Date(c.updatedMs).toISOString() }));
  }
  const fixture = entityByName(entity);
  if (!fixture) throw bad(`entity must be one of ${entityNames().join(", ")}`);
  const s = store(t, fixture.name);
  return (ctx.query.get("deleted") === "1" ? s.deleted : s.list).map((r) => fixture.state(t, r));
}

/** Handles /__sim/* ; returns false when the path is not a control endpoint. */
export async function control(sim: Sim, ctx: Ctx): Promise<boolean> {
  const route = `${ctx.method} ${ctx.path.replace(/\/+$/, "")}`;
  const res = ctx.res;
  switch (route) {
    case "GET /__sim/health":
      sendJson(res, 200, { ok: true, mode: sim.config.mode, url: sim.url, now: new Date(sim.clock.now()).toISOString(), seed: sim.seed, tenants: sim.tenants.size });
      return true;
    case "GET /__sim/tenants":
      sendJson(res, 200, tenantSummary(sim));
      return true;
    case "GET /__sim/users":
      sendJson(res, 200, sim.users);
      return true;
    case "POST /__sim/reset": {
      const b = jsonBody(ctx);
      const seed = num(b.seed, "seed", true) ?? sim.seed;
      const specs = b.tenants === undefined ? DEFAULT_TENANTS : b.tenants;
      if (!Array.isArray(specs) || specs.some((s) => !s || typeof s !== "object" || typeof (s as TenantSpec).name !== "string")) throw bad("tenants must be [{name, invoices?, contacts?, tenantId?, country?, sharedTimestamp?, counts?}]");
      const started = Date.now();
      try {
        sim.reset(seed, specs as TenantSpec[], { customConnectionTenant: b.customConnectionTenant as string | undefined, keepAuth: b.keepAuth === true });
      } catch (e) {
        throw bad(e instanceof Error ? e.message : String(e));
      }
      sendJson(res, 200, { seed, tenants: tenantSummary(sim), ms: Date.now() - started });
      return true;
    }
    case "POST /__sim/clients": {
      const b = jsonBody(ctx);
      if (typeof b.clientId !== "string" || typeof b.clientSecret !== "string") throw bad("clientId and clientSecret are required");
      const redirectUris = Array.isArray(b.redirectUris) ? b.redirectUris.map(String) : [];
      const grantTypes = Array.isArray(b.grantTypes) ? b.grantTypes.map(String) : undefined;
      const c = sim.registerClient({
        clientId: b.clientId,
        clientSecret: b.clientSecret,
        redirectUris,
        ...(grantTypes ? { grantTypes } : {}),
        ...(typeof b.customConnectionTenant === "string" ? { customConnectionTenant: b.customConnectionTenant } : {}),
        ...(typeof b.name === "string" ? { name: b.name } : {}),
      });
      sendJson(res, 201, { ...c, clientSecret: undefined });
      return true;
    }
    case "GET /__sim/clock":
    case "POST /__sim/clock": {
      if (ctx.method === "POST") {
        const b = jsonBody(ctx);
        if (b.advanceMs !== undefined) sim.clock.advance(num(b.advanceMs, "advanceMs") ?? 0);
        else if (b.setMs !== undefined) sim.clock.set(num(b.setMs, "setMs") ?? 0);
        else if (typeof b.set === "string" && !Number.isNaN(Date.parse(b.set))) sim.clock.set(Date.parse(b.set));
        else throw bad("give advanceMs, setMs or set (ISO date)");
      }
      const now = sim.clock.now();
      sendJson(res, 200, { now, iso: new Date(now).toISOString(), offsetMs: sim.clock.offset });
      return true;
    }
    case "GET /__sim/limits":
    case "POST /__sim/limits": {
      if (ctx.method === "POST") {
        const b = jsonBody(ctx);
        const patch: Partial<LimitConfig> = {};
        if (b.enabled !== undefined) patch.enabled = b.enabled === true;
        for (const k of ["concurrent", "perMinute", "perDay", "appPerMinute", "latencyMs"] as const) if (b[k] !== undefined) patch[k] = num(b[k], k);
        if (patch.latencyMs !== undefined && (patch.latencyMs < 0 || patch.latencyMs > 600_000)) throw bad("latencyMs must be 0..600000");
        sim.limiter.configure(patch);
        if (b.resetCounters === true) sim.limiter.resetCounters();
      }
      sendJson(res, 200, sim.limiter.config);
      return true;
    }
    case "GET /__sim/connection-limit":
    case "POST /__sim/connection-limit": {
      if (ctx.method === "POST") {
        const b = jsonBody(ctx);
        sim.config.connectionLimit = b.limit === null ? null : (num(b.limit, "limit") ?? null);
      }
      sendJson(res, 200, { limit: sim.config.connectionLimit, connected: sim.connectedTenantIds(ctx.query.get("clientId") ?? DEMO_CLIENT_ID).size });
      return true;
    }
    case "GET /__sim/faults":
      sendJson(res, 200, sim.faults.list());
      return true;
    case "POST /__sim/faults": {
      const b = jsonBody(ctx);
      const list = Array.isArray(b.faults) ? b.faults : [b];
      const added = [];
      // All or nothing: a schedule with one bad fault would fail differently from what was asked.
      for (const f of list) {
        const problem = faultSpecProblem(f);
        if (problem) throw bad(problem);
      }
      for (const f of list as FaultSpec[]) added.push(sim.faults.add(f));
      sendJson(res, 200, { added, active: sim.faults.list() });
      return true;
    }
    case "DELETE /__sim/faults":
      sim.faults.clear();
      sendJson(res, 200, { active: [] });
      return true;
    case "GET /__sim/faults/held": {
      // ?atLeast=N / ?atMost=N: answer once that many are held (or HELD_WAIT_MS passed), so a test
      // waits for the state it needs instead of sleeping.
      const atLeast = ctx.query.has("atLeast") ? num(Number(ctx.query.get("atLeast")), "atLeast") : undefined;
      const atMost = ctx.query.has("atMost") ? num(Number(ctx.query.get("atMost")), "atMost") : undefined;
      if (atLeast !== undefined || atMost !== undefined) {
        await sim.faults.waitForHeld((n) => n >= (atLeast ?? 0) && n <= (atMost ?? Infinity), HELD_WAIT_MS);
      }
      sendJson(res, 200, { held: sim.faults.heldRequests() });
      return true;
    }
    case "POST /__sim/faults/release": {
      const b = jsonBody(ctx);
      const released = sim.faults.release(num(b.faultId, "faultId", true));
      sendJson(res, 200, { released });
      return true;
    }
    case "POST /__sim/mutate": {
      const b = jsonBody(ctx);
      const count = num(b.count ?? 1, "count") ?? 1;
      const kinds = Array.isArray(b.kinds) ? b.kinds.map(String) : undefined;
      const changes = applyMutation(sim, b.tenantId as string | undefined, String(b.entity ?? "invoices"), count, kinds);
      sendJson(res, 200, { changes });
      return true;
    }
    case "GET /__sim/state":
      sendJson(res, 200, state(sim, ctx));
      return true;
    case "GET /__sim/log": {
      const since = Number(ctx.query.get("since") ?? 0);
      const path = ctx.query.get("path");
      const tenantId = ctx.query.get("tenantId");
      const entries = sim.log.filter((e) => e.seq > since && (!path || e.path.toLowerCase().includes(path.toLowerCase())) && (!tenantId || e.tenantId === tenantId));
      sendJson(res, 200, { entries, lastSeq: sim.logSeq });
      return true;
    }
    case "DELETE /__sim/log":
      sim.log.length = 0;
      sendJson(res, 200, { entries: [], lastSeq: sim.logSeq });
      return true;
    case "GET /__sim/webhooks":
      await sim.webhooks.idle();
      sendJson(res, 200, { url: sim.webhooks.url, active: sim.webhooks.active, sequence: sim.webhooks.sequence, deliveries: sim.webhooks.deliveries });
      return true;
    case "POST /__sim/webhooks/config": {
      const b = jsonBody(ctx);
      if (typeof b.url !== "string" || typeof b.key !== "string") throw bad("url and key are required");
      const result = await sim.webhooks.configure(b.url, b.key);
      sendJson(res, 200, result);
      return true;
    }
    case "DELETE /__sim/webhooks/config":
      sim.webhooks.disable();
      sendJson(res, 200, { active: false });
      return true;
    case "GET /__sim/activity":
    case "POST /__sim/activity": {
      if (ctx.method === "POST") {
        const b = jsonBody(ctx);
        sim.activity.start(num(b.everyMs ?? 0, "everyMs") ?? 0, num(b.maxCount, "maxCount", true));
      }
      sendJson(res, 200, { everyMs: sim.activity.everyMs, maxCount: sim.activity.maxCount });
      return true;
    }
    case "GET /__sim/grants":
      sendJson(res, 200, [...sim.grants.values()].map((g) => ({ authEventId: g.id, clientId: g.clientId, userId: g.userId, kind: g.kind, scopes: g.scopes, tenantIds: g.tenantIds, revoked: g.revoked })));
      return true;
    default:
      return false;
  }
}
