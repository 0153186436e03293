/**
 * The read API over HTTP and the dashboard pages' read models, on PostgreSQL with 1,000,000
 * invoices over 100 organisations (and contacts in proportion, a fifth):
 * - the API's route handlers, unchanged, served over real HTTP (tests/helpers/route-server.ts +
 *   callRoute): a list page, a deep page (page 1,000 by its cursor), a filtered + sorted page,
 *   one record and a change-feed page from half-way (all organisations, one), with a bearer token;
 * - the dashboard's pages as their read models run them, the first view after a sync (every cache
 *   of aggregates cleared before each run): totals, overview charts and "Your data" counts from the
 *   summaries kept as the sync writes, and the same computed by scanning the rows (as before the
 *   summaries), in the same run.
 *
 *   npx tsx tests/bench/api.ts [--invoices=1000000] [--orgs=100] [--runs=40] [--keep=<db name>]
 *
 * Uses TEST_DATABASE_URL's server if set, else starts a throwaway cluster. Writes
 * tests/bench/results/api.json. Targets: API p95 ≤ 50 ms, pages p95 ≤ 150 ms, deep / first page ≤ 1.2.
 */
// Next sets this global up before loading anything else; the route handlers need it (see tests/helpers/route.ts).
import "next/dist/server/node-environment-baseline";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { asc, desc, sql } from "drizzle-orm";
import { openDatabase, type DatabaseHandle } from "@/lib/db/client";
import { invoices, users } from "@/lib/db/schema";
import { createApiToken } from "@/lib/api-tokens";
import { encodeCursor } from "@/lib/lists/keyset";
import { clearDataVersionCache } from "@/lib/lists/data-version-cache";
import { entityCounts, entityTotals, listEntity, scannedEntityTotals } from "@/lib/entities/read-model";
import { parseEntityQuery } from "@/lib/entities/read-model-params";
import { entity } from "@/lib/entities/registry";
import { todayUtc } from "@/lib/lists/today";
import { listUserTenants } from "@/lib/lists/tenant-scope";
import { getOverview, receivablesAging } from "@/lib/overview/read-model";
import { getTenantSyncStatuses } from "@/lib/overview/sync-status";
import { GET as listRoute } from "@/app/api/v1/[entity]/route";
import { GET as recordRoute } from "@/app/api/v1/[entity]/[tenantId]/[id]/route";
import { startPostgresServer, type PostgresServer } from "../helpers/postgres-server";
import { callRoute } from "../helpers/route";
import { analyze, seedContacts, seedInvoices, seedSyncHistory, seedTenant, seedUser } from "../helpers/seed-mirror";
import { scannedEntityCounts, scannedInvoicedVsPaid, scannedReceivablesAging } from "../helpers/summary-scans";

const arg = (name: string, def: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? def);
const N_INVOICES = arg("invoices", 1_000_000);
const N_ORGS = arg("orgs", 100);
const RUNS = arg("runs", 40);
const PAGE_SIZE = 50;
const INV = entity("invoices");

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function measure(fn: () => Promise<unknown>, runs = RUNS, before?: () => void) {
  for (let i = 0; i < 3; i++) {
    before?.();
    await fn(); // warm connections and the buffer cache
  }
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    before?.();
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const r = (n: number) => Math.round(n * 10) / 10;
  return { p50: r(pct(times, 50)), p95: r(pct(times, 95)), max: r(times.at(-1)!), runs };
}

type Handler = Parameters<typeof callRoute>[0];

/** The API's route handlers over HTTP, as Next would route them. */
async function serveApi(handle: DatabaseHandle): Promise<{ base: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const parts = url.pathname.split("/").filter(Boolean).slice(2); // after api/v1
    const [handler, params]: [Handler, Record<string, string>] =
      parts.length === 3 ? [recordRoute as Handler, { entity: parts[0]!, tenantId: parts[1]!, id: parts[2]! }] : [listRoute as Handler, { entity: parts[0]! }];
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers[k] = v;
    callRoute(handler, new Request(url, { headers }), handle, params)
      .then(async (response) => {
        const body = Buffer.from(await response.arrayBuffer());
        res.writeHead(response.status, Object.fromEntries(response.headers)).end(body);
      })
      .catch((error: unknown) => res.writeHead(500).end(String(error)));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function main() {
  // The route handlers read the typed environment, which wants these outside demo mode (unused here: bearer tokens).
  process.env.AUTH_SECRET ??= randomBytes(32).toString("base64");
  process.env.TOKEN_ENCRYPTION_KEY ??= randomBytes(32).toString("base64");
  let server: PostgresServer | undefined;
  let adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    server = await startPostgresServer();
    adminUrl = server.url;
  }
  const keep = process.argv.find((a) => a.startsWith("--keep="))?.split("=")[1];
  const dbName = keep && /^[a-z_][a-z0-9_]*$/.test(keep) ? keep : `xs_bench_api_${randomBytes(4).toString("hex")}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  if ((await admin`select 1 from pg_database where datname = ${dbName}`).length === 0) await admin.unsafe(`create database ${dbName}`);
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  const handle = await openDatabase({ url: url.toString() });
  const db = handle.db;
  let api: Awaited<ReturnType<typeof serveApi>> | undefined;
  try {
    let user = (await db.select().from(users).limit(1))[0];
    if (!user) {
      console.log(`seeding ${N_INVOICES.toLocaleString()} invoices over ${N_ORGS} organisations…`);
      const t0 = Date.now();
      user = await seedUser(db, { email: "bench@example.test", name: "Bench" });
      const perOrg = Math.ceil(N_INVOICES / N_ORGS);
      for (let i = 0; i < N_ORGS; i++) {
        const tenant = await seedTenant(db, user.id, { name: `Bench Org ${String(i + 1).padStart(3, "0")}` });
        const contactList = await seedContacts(db, tenant.id, Math.max(10, Math.round(perOrg / 5)), { ns: 0x1000 + i });
        await seedInvoices(db, tenant.id, perOrg, contactList, { batch: 2000, ns: 0x2000 + i });
        await seedSyncHistory(db, user.id, tenant.id, { runs: 2 });
        if ((i + 1) % 10 === 0) console.log(`  ${i + 1} organisations, ${((Date.now() - t0) / 1000).toFixed(0)} s`);
      }
      console.log(`seeded in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    }
    await db.execute(sql`vacuum analyze invoices`);
    await db.execute(sql`vacuum analyze contacts`);
    await db.execute(sql`vacuum analyze mirror_summaries`);
    await analyze(db);
    const tenantIds = (await listUserTenants(db, user)).map((t) => t.id);
    const org = tenantIds[0]!;
    const { token } = await createApiToken(db, user.id, { name: "bench" });
    api = await serveApi(handle);

    // Page 1,000 of the default order (date desc) over every organisation, by its cursor.
    const deepPage = Math.min(1000, Math.floor(N_INVOICES / PAGE_SIZE));
    const [anchor] = await db
      .select({ k: sql<string>`${invoices.date}::text`, id: sql<string>`${invoices.invoiceId}::text` })
      .from(invoices)
      .where(sql`${invoices.date} is not null`)
      .orderBy(desc(invoices.date), asc(invoices.invoiceId))
      .offset((deepPage - 1) * PAGE_SIZE - 1)
      .limit(1);
    const deepCursor = encodeCursor({ s: "date.desc", k: anchor!.k, id: anchor!.id });
    const [one] = await db.select({ id: invoices.invoiceId }).from(invoices).where(sql`${invoices.tenantId} = ${org}::uuid`).limit(1);
    // A change-feed cursor half-way through the writes, over every organisation and in the first one.
    const midChange = async (tenant?: string) => {
      const [r] = await db
        .select({ txid: sql<string>`${invoices.changeTxid}::text`, seq: sql<string>`${invoices.changeSeq}::text` })
        .from(invoices)
        .where(tenant ? sql`${invoices.tenantId} = ${tenant}::uuid` : undefined)
        .orderBy(invoices.changeTxid, invoices.changeSeq)
        .offset(Math.floor((tenant ? N_INVOICES / N_ORGS : N_INVOICES) / 2))
        .limit(1);
      return `${r!.txid}.${r!.seq}`;
    };
    const [changesAll, changesOne] = [await midChange(), await midChange(org)];

    const get = (p: string) => async () => {
      const res = await fetch(api!.base + p, { headers: { authorization: `Bearer ${token}` } });
      if (res.status !== 200) throw new Error(`${p} answered ${res.status}: ${await res.text()}`);
      await res.arrayBuffer();
    };
    const apiCases: Record<string, string> = {
      "GET /api/v1/invoices (page 1)": `/api/v1/invoices?limit=${PAGE_SIZE}`,
      [`GET /api/v1/invoices (page ${deepPage}, by cursor)`]: `/api/v1/invoices?limit=${PAGE_SIZE}&after=${deepCursor}`,
      "GET /api/v1/invoices (one organisation, awaiting payment, by amount due)": `/api/v1/invoices?limit=${PAGE_SIZE}&org=${org}&status=AUTHORISED&sort=amountDue&dir=desc`,
      "GET /api/v1/invoices/{tenantId}/{id} (one record)": `/api/v1/invoices/${org}/${one!.id}`,
      "GET /api/v1/invoices?changed_since (change feed, half-way, all organisations)": `/api/v1/invoices?limit=${PAGE_SIZE}&changed_since=${changesAll}`,
      "GET /api/v1/invoices?changed_since (change feed, half-way, one organisation)": `/api/v1/invoices?limit=${PAGE_SIZE}&org=${org}&changed_since=${changesOne}`,
    };
    const apiResults: Record<string, Awaited<ReturnType<typeof measure>>> = {};
    for (const [name, p] of Object.entries(apiCases)) {
      apiResults[name] = await measure(get(p));
      console.log(`${name.padEnd(80)} p50 ${String(apiResults[name].p50).padStart(6)} ms   p95 ${String(apiResults[name].p95).padStart(6)} ms`);
    }
    const firstApi = apiResults["GET /api/v1/invoices (page 1)"]!;
    const deepApi = apiResults[`GET /api/v1/invoices (page ${deepPage}, by cursor)`]!;

    // The dashboard's pages, first view after a sync: no cached aggregates.
    const today = todayUtc(new Date());
    const inv = (qs: string) => parseEntityQuery(INV, Object.fromEntries(new URLSearchParams(qs)));
    const invoicesPage = (qs: string, scan: boolean) => () =>
      Promise.all([
        listUserTenants(db, user),
        listEntity(db, user, INV, inv(qs)),
        scan ? scannedEntityTotals(db, INV, inv(qs).tenant ? [inv(qs).tenant!] : tenantIds, inv(qs), today) : entityTotals(db, user, INV, inv(qs)),
      ]);
    const overview = (scan: boolean) => async () => {
      if (!scan) return getOverview(db, user);
      const orgs = await getTenantSyncStatuses(db, user);
      const ids = orgs.map((o) => o.id);
      return Promise.all([scannedReceivablesAging(db, ids), scannedInvoicedVsPaid(db, ids)]);
    };
    const yourData = (scan: boolean) => () => (scan ? scannedEntityCounts(db, tenantIds) : entityCounts(db, user));
    const pageCases: Record<string, [summaries: () => Promise<unknown>, scan: () => Promise<unknown>]> = {
      "invoices: page 1 (all organisations)": [invoicesPage("", false), invoicesPage("", true)],
      [`invoices: page ${deepPage}`]: [invoicesPage(`after=${deepCursor}&p=${deepPage}`, false), invoicesPage(`after=${deepCursor}&p=${deepPage}`, true)],
      "invoices: awaiting payment (status filter)": [invoicesPage("status=AUTHORISED&sort=amountDue&dir=desc", false), invoicesPage("status=AUTHORISED&sort=amountDue&dir=desc", true)],
      "invoices: one organisation": [invoicesPage(`org=${org}`, false), invoicesPage(`org=${org}`, true)],
      "invoices: sales awaiting payment (type filter: scans either way)": [
        invoicesPage("type=sales&status=AUTHORISED&sort=amountDue&dir=desc", false),
        invoicesPage("type=sales&status=AUTHORISED&sort=amountDue&dir=desc", true),
      ],
      "overview (status, charts)": [overview(false), overview(true)],
      "overview: receivables ageing chart": [() => receivablesAging(db, tenantIds), () => scannedReceivablesAging(db, tenantIds)],
      "overview: Your data counts": [yourData(false), yourData(true)],
    };
    const pageResults: Record<string, { summaries: Awaited<ReturnType<typeof measure>>; scan: Awaited<ReturnType<typeof measure>>; scanOverSummaries: number }> = {};
    for (const [name, [withSummaries, scanning]] of Object.entries(pageCases)) {
      const summaries = await measure(withSummaries, RUNS, clearDataVersionCache);
      const scan = await measure(scanning, Math.max(10, Math.round(RUNS / 4)), clearDataVersionCache);
      pageResults[name] = { summaries, scan, scanOverSummaries: Math.round((scan.p95 / summaries.p95) * 10) / 10 };
      console.log(`${name.padEnd(70)} p95 ${String(summaries.p95).padStart(6)} ms (scan ${scan.p95} ms)`);
    }

    const apiMax = Math.max(...Object.values(apiResults).map((r) => r.p95));
    const pagesMax = Math.max(...Object.entries(pageResults).filter(([n]) => !n.includes("scans either way")).map(([, r]) => r.summaries.p95));
    const deepRatio = Math.round((deepApi.p95 / firstApi.p95) * 100) / 100;
    const out = {
      date: new Date().toISOString(),
      machine: `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GB, ${os.platform()}`,
      loadAverage: os.loadavg().map((l) => Math.round(l * 10) / 10),
      database: process.env.TEST_DATABASE_URL ? "PostgreSQL (TEST_DATABASE_URL)" : "PostgreSQL (throwaway cluster, fsync off)",
      data: { invoices: N_INVOICES, contacts: N_ORGS * Math.max(10, Math.round(Math.ceil(N_INVOICES / N_ORGS) / 5)), organisations: N_ORGS, pageSize: PAGE_SIZE },
      unit: "ms; API over HTTP (bearer token), pages as their read models run them with no cached aggregates (the first view after a sync)",
      api: apiResults,
      pages: pageResults,
      targets: {
        apiP95: { target: "API p95 ≤ 50 ms", ratio: apiMax, pass: apiMax <= 50 },
        pagesP95: { target: "pages p95 ≤ 150 ms (totals, charts and counts from the summaries)", ratio: pagesMax, pass: pagesMax <= 150 },
        deepOverFirst: { target: "deep page / first page (API p95) ≤ 1.2", ratio: deepRatio, pass: deepRatio <= 1.2 },
      },
    };
    const dir = path.join(import.meta.dirname, "results");
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "api.json"), `${JSON.stringify(out, null, 2)}\n`);
    console.log(`wrote ${path.relative(process.cwd(), path.join(dir, "api.json"))}`);
  } finally {
    await api?.close();
    await handle.close();
    if (!keep) await admin.unsafe(`drop database if exists ${dbName} with (force)`).catch(() => {});
    await admin.end();
    server?.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
