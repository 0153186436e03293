/**
 * Every simulator response validates against Xero's own OpenAPI descriptions
 * (../shared/xero-openapi). The schemas are used as published, with two adaptations:
 * - strict mode: an object may only carry properties its schema declares (the spec never says
 *   additionalProperties: false, but a misspelt field would otherwise pass silently). Allowed
 *   extras, which real Xero sends although the spec omits them: the envelope's Id / Status /
 *   ProviderName / DateTimeUTC, an invoice's DateString / DueDateString, and `scope` in token
 *   responses.
 * - a bank transaction's LineItems are not required: Xero leaves them out of list answers without
 *   `page` (like an invoice's), although the spec lists them as required.
 * - "date-time" accepts Xero's zone-less identity timestamps ("2019-12-07T18:46:19.5165400",
 *   the spec's own example for Connection.createdDateUtc), which standard date-time rejects.
 */
import { createServer } from "node:http";
import { readFileSync } from "node:fs";
import path from "node:path";
import Ajv, { type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningSimulator } from "@/lib/xero-simulator";
import { DEMO_CC_CLIENT_ID, DEMO_CC_CLIENT_SECRET } from "@/lib/xero-simulator";
import { ENTITIES } from "@/lib/xero-simulator/entities/registry";
import { ALL_SCOPES, apiGet, configFor, connect, ctl, start } from "./helpers";

const SPEC_DIR = path.resolve(process.cwd(), "../shared/xero-openapi");
type Json = Record<string, unknown>;

/** Endpoints of the settings and general-ledger fixtures (checked in their own describe block). */
const SETTINGS = ["Accounts", "Items", "TaxRates", "TrackingCategories", "Journals"];

const EXTRAS: Record<string, string[]> = {
  Invoices: ["Id", "Status", "ProviderName", "DateTimeUTC"],
  Contacts: ["Id", "Status", "ProviderName", "DateTimeUTC"],
  Organisations: ["Id", "Status", "ProviderName", "DateTimeUTC"],
  Invoice: ["DateString", "DueDateString"],
  CreditNote: ["DateString"],
  Overpayment: ["DateString"],
  Prepayment: ["DateString"],
  BankTransaction: ["DateString"],
  PurchaseOrder: ["DateString", "DeliveryDateString"],
  AccessToken: ["scope"],
  // Every fixture's list envelope carries the same four fields as Invoices'.
  ...Object.fromEntries(ENTITIES.map((e) => [e.endpoint, ["Id", "Status", "ProviderName", "DateTimeUTC"]])),
};

/** Properties the spec requires that Xero leaves out of list answers without `page`. */
const NOT_REQUIRED: Record<string, string[]> = { BankTransaction: ["LineItems"] };

/** Deep copy of components.schemas with additionalProperties:false on every object schema. */
function strictSchemas(schemas: Json): Json {
  const visit = (node: unknown, name?: string): unknown => {
    if (Array.isArray(node)) return node.map((n) => visit(n));
    if (!node || typeof node !== "object") return node;
    const out: Json = {};
    for (const [k, v] of Object.entries(node as Json)) out[k] = k === "properties" ? Object.fromEntries(Object.entries(v as Json).map(([p, s]) => [p, visit(s)])) : visit(v);
    if (out.properties && out.additionalProperties === undefined && !out.allOf && !out.oneOf) {
      out.additionalProperties = false;
      for (const extra of EXTRAS[name ?? ""] ?? []) (out.properties as Json)[extra] = {};
      const optional = NOT_REQUIRED[name ?? ""];
      if (optional && Array.isArray(out.required)) out.required = (out.required as string[]).filter((p) => !optional.includes(p));
    }
    return out;
  };
  return Object.fromEntries(Object.entries(schemas).map(([n, s]) => [n, visit(s, n)]));
}

function loadAjv(): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  for (const f of ["double", "float", "int32", "int64", "byte", "binary"]) ajv.addFormat(f, true);
  ajv.addFormat("date-time", /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:?\d\d)?$/i);
  for (const [id, file] of [["accounting", "xero_accounting.yaml"], ["identity", "xero-identity.yaml"], ["webhooks", "xero-webhooks.yaml"]] as const) {
    const doc = parse(readFileSync(path.join(SPEC_DIR, file), "utf8")) as { components: { schemas: Json } };
    ajv.addSchema({ $id: id, components: { schemas: id === "webhooks" ? doc.components.schemas : strictSchemas(doc.components.schemas) } });
  }
  return ajv;
}

let ajv: Ajv;
let sim: RunningSimulator;
let token: string;
let tenantId: string;
const validators = new Map<string, ValidateFunction>();

function validate(ref: string, data: unknown): void {
  let v = validators.get(ref);
  if (!v) {
    v = ajv.getSchema(ref);
    if (!v) throw new Error(`no schema ${ref}`);
    validators.set(ref, v);
  }
  const ok = v(data);
  expect(ok ? [] : (v.errors ?? []).slice(0, 5).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`), ref).toEqual([]);
}

async function getJson(p: string, headers: Record<string, string> = {}): Promise<unknown> {
  const res = await apiGet(sim, p, token, tenantId, headers);
  expect(res.status, p).toBe(200);
  return res.json();
}

beforeAll(async () => {
  ajv = loadAjv();
  sim = await start({ limits: false, tenants: [{ name: "Validation Ltd (UK)", invoices: 2500, contacts: 400 }, { name: "Kiwi Validation (NZ)", invoices: 300 }, { name: "Aussie Validation (AU)", invoices: 300 }, { name: "Yankee Validation (US)", invoices: 300 }] });
  const ts = await connect(sim, configFor(sim));
  token = ts.access_token!;
  tenantId = (await ctl<{ tenantId: string }[]>(sim, "GET", "/__sim/tenants"))[0]!.tenantId;
});
afterAll(() => sim.close());

describe("Xero's OpenAPI schemas", () => {
  it("the spec's own Connection example passes the date-time adaptation", () => {
    validate("identity#/components/schemas/Connection", { id: "7cb59f93-2964-421d-bb5e-a0f7a4572a44", tenantId: "fe79f7dd-b6d4-4a92-ba7b-538af6289c58", tenantType: "ORGANISATION", tenantName: "Demo Company (NZ)", createdDateUtc: "2019-12-07T18:46:19.5165400", updatedDateUtc: "2019-12-07T18:46:19.5187840" });
  });

  it("strict mode catches an undeclared or mistyped field", () => {
    const v = ajv.getSchema("accounting#/components/schemas/Invoice")!;
    expect(v({ InvoiceID: "eda955dd-df53-4714-9106-2140a47324eb", LineAmountType: "Exclusive" })).toBe(false);
    expect(v({ InvoiceID: "not-a-guid" })).toBe(false);
    expect(v({ Status: "PENDING" })).toBe(false);
  });

  it("GET /Invoices: every record of every page (2,500 invoices with line items), unpaged, summaryOnly, filtered", async () => {
    for (let page = 1; page <= 3; page++) validate("accounting#/components/schemas/Invoices", await getJson(`/api.xro/2.0/Invoices?page=${page}&pageSize=1000`));
    validate("accounting#/components/schemas/Invoices", await getJson("/api.xro/2.0/Invoices"));
    validate("accounting#/components/schemas/Invoices", await getJson("/api.xro/2.0/Invoices?page=1&summaryOnly=true"));
    validate("accounting#/components/schemas/Invoices", await getJson("/api.xro/2.0/Invoices?page=1&Statuses=PAID,VOIDED&order=Total%20DESC", { "If-Modified-Since": new Date(Date.now() - 90 * 86_400_000).toISOString() }));
  });

  it("GET /Invoices/{id}, /Contacts (all pages, archived, summary), /Contacts/{id}, /Organisation for every country profile", async () => {
    const list = (await getJson("/api.xro/2.0/Invoices?page=1&pageSize=3")) as { Invoices: { InvoiceID: string }[] };
    validate("accounting#/components/schemas/Invoices", await getJson(`/api.xro/2.0/Invoices/${list.Invoices[0]!.InvoiceID}`));
    validate("accounting#/components/schemas/Contacts", await getJson("/api.xro/2.0/Contacts?includeArchived=true"));
    validate("accounting#/components/schemas/Contacts", await getJson("/api.xro/2.0/Contacts?page=1&pageSize=1000&includeArchived=true"));
    validate("accounting#/components/schemas/Contacts", await getJson("/api.xro/2.0/Contacts?page=1&summaryOnly=true"));
    const contacts = (await getJson("/api.xro/2.0/Contacts?page=1&pageSize=1")) as { Contacts: { ContactID: string }[] };
    validate("accounting#/components/schemas/Contacts", await getJson(`/api.xro/2.0/Contacts/${contacts.Contacts[0]!.ContactID}`));
    for (const t of await ctl<{ tenantId: string }[]>(sim, "GET", "/__sim/tenants")) {
      const res = await apiGet(sim, "/api.xro/2.0/Organisation", token, t.tenantId);
      validate("accounting#/components/schemas/Organisations", await res.json());
      const inv = await apiGet(sim, "/api.xro/2.0/Invoices?page=1&pageSize=300", token, t.tenantId);
      validate("accounting#/components/schemas/Invoices", await inv.json());
    }
  });

  it("records changed by every mutation kind still validate", async () => {
    await ctl(sim, "POST", "/__sim/mutate", { tenantId, entity: "invoices", count: 60 });
    await ctl(sim, "POST", "/__sim/mutate", { tenantId, entity: "contacts", count: 30 });
    const since = new Date(Date.now() - 5000).toISOString();
    validate("accounting#/components/schemas/Invoices", await getJson("/api.xro/2.0/Invoices?page=1&pageSize=1000", { "If-Modified-Since": since }));
    validate("accounting#/components/schemas/Contacts", await getJson("/api.xro/2.0/Contacts?page=1&includeArchived=true", { "If-Modified-Since": since }));
  });

  // Settings and the ledger have their own block below (TaxType keys, offsets, the journals scope).
  for (const fx of ENTITIES.filter((e) => !SETTINGS.includes(e.endpoint))) {
    it(`GET /${fx.endpoint}: every page, unpaged, If-Modified-Since, by id, and after every mutation kind`, async () => {
      const schema = `accounting#/components/schemas/${fx.endpoint}`;
      const base = `/api.xro/2.0/${fx.endpoint}`;
      const first = (await getJson(`${base}?page=1&pageSize=1000`)) as Json & { pagination?: { pageCount: number } };
      validate(schema, first);
      for (let page = 2; page <= (first.pagination?.pageCount ?? 1); page++) validate(schema, await getJson(`${base}?page=${page}&pageSize=1000`));
      const all = (await getJson(base)) as Json;
      validate(schema, all);
      const records = all[fx.endpoint] as Json[];
      expect(records.length, fx.name).toBeGreaterThan(0);
      validate(schema, await getJson(base, { "If-Modified-Since": new Date(Date.now() - 60 * 86_400_000).toISOString() }));
      const idKey = Object.keys(records[0]!).find((k) => k.endsWith("ID") && typeof records[0]![k] === "string")!;
      validate(schema, await getJson(`${base}/${String(records[0]![idKey])}`));
      for (const kind of fx.mutations) await ctl(sim, "POST", "/__sim/mutate", { tenantId, entity: fx.name, count: 3, kinds: [kind] });
      validate(schema, await getJson(`${base}?page=1&pageSize=1000`, { "If-Modified-Since": new Date(Date.now() - 5000).toISOString() }));
      validate(schema, await getJson(base, { "If-Modified-Since": new Date(Date.now() - 5000).toISOString() }));
    });
  }

  it("400 answers are Xero's Error schema", async () => {
    for (const q of ["pageSize=0&page=1", "pageSize=5000&page=1", "order=Nope", "where=Status%3D%3D", "IDs=not-a-guid", "page=-1"]) {
      const res = await apiGet(sim, `/api.xro/2.0/Invoices?${q}`, token, tenantId);
      expect(res.status, q).toBe(400);
      const body = await res.json();
      validate("accounting#/components/schemas/Error", body);
      expect(body).toMatchObject({ ErrorNumber: 10, Type: "ValidationException" });
    }
  });

  it("GET /connections is an array of Connection; token responses are AccessToken", async () => {
    const res = await apiGet(sim, "/connections", token, null);
    const body = (await res.json()) as unknown[];
    expect(body.length).toBe(4);
    for (const c of body) validate("identity#/components/schemas/Connection", c);
    const cc = await fetch(`${sim.url}/connect/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Basic ${Buffer.from(`${DEMO_CC_CLIENT_ID}:${DEMO_CC_CLIENT_SECRET}`).toString("base64")}` },
      body: "grant_type=client_credentials",
    });
    const tok = (await cc.json()) as Json;
    validate("identity#/components/schemas/AccessToken", tok);
    const ccConns = (await (await apiGet(sim, "/connections", tok.access_token as string, null)).json()) as unknown[];
    for (const c of ccConns) validate("identity#/components/schemas/Connection", c);
    expect(ALL_SCOPES.length).toBeGreaterThan(0);
  });

  it("webhook deliveries are WebhookEvent payloads", async () => {
    const bodies: string[] = [];
    const key = "validation-key";
    const { createHmac } = await import("node:crypto");
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const raw = Buffer.concat(chunks).toString();
        const ok = createHmac("sha256", key).update(raw).digest("base64") === req.headers["x-xero-signature"];
        if (ok) bodies.push(raw);
        res.writeHead(ok ? 200 : 401).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    try {
      const cfg = await ctl<{ active: boolean }>(sim, "POST", "/__sim/webhooks/config", { url: `http://127.0.0.1:${port}/hook`, key });
      expect(cfg.active).toBe(true);
      await ctl(sim, "POST", "/__sim/mutate", { tenantId, entity: "invoices", count: 5 });
      await ctl(sim, "POST", "/__sim/mutate", { tenantId, entity: "contacts", count: 3 });
      await ctl(sim, "GET", "/__sim/webhooks"); // waits for deliveries
      const events = bodies.slice(1).map((b) => JSON.parse(b) as Json); // [0] is the intent-to-receive
      expect(events.length).toBe(2);
      for (const e of events) validate("webhooks#/components/schemas/WebhookEvent", e);
    } finally {
      await ctl(sim, "DELETE", "/__sim/webhooks/config");
      server.close();
    }
  });
});

describe("Xero's OpenAPI schemas: settings and the general ledger", () => {
  let ledgerToken: string;
  const get = async (p: string, tenant = tenantId, headers: Record<string, string> = {}) => {
    const res = await apiGet(sim, p, ledgerToken, tenant, headers);
    expect(res.status, p).toBe(200);
    return (await res.json()) as Json;
  };
  const check = async (endpoint: string, p: string, tenant = tenantId) => {
    const body = await get(p, tenant);
    validate(`accounting#/components/schemas/${endpoint}`, body);
    return body[endpoint] as Json[];
  };

  beforeAll(async () => {
    ledgerToken = (await connect(sim, configFor(sim, { scopes: [...ALL_SCOPES, "accounting.journals.read"] }))).access_token!;
  });

  it("every list, every record by its key, for every country profile, before and after every mutation kind", async () => {
    for (const t of await ctl<{ tenantId: string }[]>(sim, "GET", "/__sim/tenants")) {
      const accounts = await check("Accounts", "/api.xro/2.0/Accounts", t.tenantId);
      await check("Accounts", `/api.xro/2.0/Accounts/${String(accounts.find((a) => a.Type === "BANK")!.AccountID)}`, t.tenantId);
      const items = await check("Items", "/api.xro/2.0/Items?unitdp=4", t.tenantId);
      await check("Items", `/api.xro/2.0/Items/${String(items.find((i) => i.IsTrackedAsInventory)!.ItemID)}`, t.tenantId);
      const rates = await check("TaxRates", "/api.xro/2.0/TaxRates", t.tenantId);
      await check("TaxRates", `/api.xro/2.0/TaxRates/${String(rates[0]!.TaxType)}`, t.tenantId);
      await check("TrackingCategories", "/api.xro/2.0/TrackingCategories", t.tenantId);
      const categories = await check("TrackingCategories", "/api.xro/2.0/TrackingCategories?includeArchived=true", t.tenantId);
      await check("TrackingCategories", `/api.xro/2.0/TrackingCategories/${String(categories[0]!.TrackingCategoryID)}`, t.tenantId);
      await check("Journals", "/api.xro/2.0/Journals", t.tenantId);
      // Every tax type and account code the documents name is a real record of this organisation.
      const types = new Set(rates.map((r) => r.TaxType));
      const codes = new Set(accounts.map((a) => a.Code));
      for (const inv of (await get("/api.xro/2.0/Invoices?page=1", t.tenantId)).Invoices as { LineItems: { TaxType: string; AccountCode: string }[] }[]) {
        for (const l of inv.LineItems) expect(types.has(l.TaxType) && codes.has(l.AccountCode), `${l.TaxType} ${l.AccountCode}`).toBe(true);
      }
      for (const a of accounts) expect(types.has(a.TaxType), String(a.TaxType)).toBe(true);
    }
    for (const entity of ["accounts", "items", "taxRates", "trackingCategories"]) {
      const { mutations } = ENTITIES.find((e) => e.name === entity)!;
      for (const kind of mutations) await ctl(sim, "POST", "/__sim/mutate", { tenantId, entity, count: 3, kinds: [kind] });
    }
    await ctl(sim, "POST", "/__sim/mutate", { tenantId, entity: "invoices", count: 30 });
    await ctl(sim, "POST", "/__sim/mutate", { tenantId, entity: "payments", count: 5 });
    const since = { "If-Modified-Since": new Date(Date.now() - 5000).toISOString() };
    for (const endpoint of SETTINGS) validate(`accounting#/components/schemas/${endpoint}`, await get(`/api.xro/2.0/${endpoint}?includeArchived=true`, tenantId, since));
  });

  it("every journal of a 2,500-invoice organisation, walked by offset; by JournalID and JournalNumber; paymentsOnly", async () => {
    let offset = 0;
    let seen = 0;
    for (;;) {
      const batch = await check("Journals", `/api.xro/2.0/Journals?offset=${offset}`);
      seen += batch.length;
      if (batch.length < 100) break;
      offset = batch[batch.length - 1]!.JournalNumber as number;
    }
    expect(seen).toBeGreaterThan(2500);
    const [first] = await check("Journals", "/api.xro/2.0/Journals?offset=7");
    await check("Journals", `/api.xro/2.0/Journals/${String(first!.JournalID)}`);
    await check("Journals", "/api.xro/2.0/Journals/8");
    await check("Journals", "/api.xro/2.0/Journals?paymentsOnly=true&offset=100");
  });
});
