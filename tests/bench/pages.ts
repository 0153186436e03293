/**
 * Server time of the dashboard's pages on PostgreSQL with 100,000 invoices and 20,000 contacts in
 * one tenant: the generic entity read model's calls each list page makes (measured directly; the
 * contacts cases are the same code over a second entity, with its receivables), and, with --http, the
 * whole page over HTTP from a production server (`next start` must already be built).
 *
 *   npx tsx tests/bench/pages.ts [--invoices=100000] [--contacts=20000] [--runs=40] [--http]
 *
 * Uses TEST_DATABASE_URL's server if set, else starts a throwaway cluster. Writes
 * tests/bench/results/pages.json with p50 / p95 per case and the page-1,000 / page-1 ratio.
 * Target: p95 ≤ 150 ms, and deep pages no slower than the first.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { asc, desc, sql } from "drizzle-orm";
import { openDatabase } from "@/lib/db/client";
import { contacts, invoices, users } from "@/lib/db/schema";
import { encodeCursor } from "@/lib/lists/keyset";
import { cachedEntityTotals, entityTotals, listEntity } from "@/lib/entities/read-model";
import { parseEntityQuery, type EntityQuery } from "@/lib/entities/read-model-params";
import { entity } from "@/lib/entities/registry";
import { listHistory, parseHistoryQuery } from "@/lib/history/read-model";
import { getOverview, invoicedVsPaid, receivablesAging } from "@/lib/overview/read-model";
import { getTenantSyncStatuses } from "@/lib/overview/sync-status";
import { listUserTenants } from "@/lib/lists/tenant-scope";
import { startPostgresServer, freePort, type PostgresServer } from "../helpers/postgres-server";
import { analyze, seedContacts, seedInvoices, seedSession, seedSyncHistory, seedTenant, seedUser } from "../helpers/seed-mirror";

const arg = (name: string, def: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? def);
const N_INVOICES = arg("invoices", 100_000);
const N_CONTACTS = arg("contacts", 20_000);
const RUNS = arg("runs", 40);
const HTTP = process.argv.includes("--http");
const PAGE_SIZE = 50;
const INV = entity("invoices");
const CON = entity("contacts");
type Q = EntityQuery;
const listInvoices = (db: Parameters<typeof listEntity>[0], userId: string, q: Q) => listEntity(db, { id: userId }, INV, q);
const invoiceTotals = (db: Parameters<typeof listEntity>[0], userId: string, q: Q) => entityTotals(db, { id: userId }, INV, q);
const cachedInvoiceTotals = (db: Parameters<typeof listEntity>[0], userId: string, q: Q) => cachedEntityTotals(db, { id: userId }, INV, q);
const listContacts = (db: Parameters<typeof listEntity>[0], userId: string, q: Q) => listEntity(db, { id: userId }, CON, q);

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function measure(fn: () => Promise<unknown>, runs = RUNS) {
  for (let i = 0; i < 3; i++) await fn(); // warm caches and connections
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const r = (n: number) => Math.round(n * 10) / 10;
  return { p50: r(pct(times, 50)), p95: r(pct(times, 95)), max: r(times.at(-1)!), runs };
}

async function main() {
  let server: PostgresServer | undefined;
  let adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    server = await startPostgresServer();
    adminUrl = server.url;
  }
  // --keep=<name>: reuse (or create and keep) a seeded database, for EXPLAIN sessions.
  const keep = process.argv.find((a) => a.startsWith("--keep="))?.split("=")[1];
  const dbName = keep && /^[a-z_][a-z0-9_]*$/.test(keep) ? keep : `xs_bench_${randomBytes(4).toString("hex")}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  const exists = (await admin`select 1 from pg_database where datname = ${dbName}`).length > 0;
  if (!exists) await admin.unsafe(`create database ${dbName}`);
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  const handle = await openDatabase({ url: url.toString() });
  const db = handle.db;
  let app: ChildProcess | undefined;
  try {
    let user = (await db.select().from(users).limit(1))[0];
    if (!user) {
      console.log(`seeding ${N_INVOICES.toLocaleString()} invoices and ${N_CONTACTS.toLocaleString()} contacts…`);
      const t0 = Date.now();
      user = await seedUser(db, { email: "bench@example.test", name: "Bench" });
      const tenant = await seedTenant(db, user.id, { name: "Bench Wholesale Ltd" });
      const contactList = await seedContacts(db, tenant.id, N_CONTACTS);
      await seedInvoices(db, tenant.id, N_INVOICES, contactList, { batch: 2000 });
      await seedSyncHistory(db, user.id, tenant.id, { runs: 200 });
      console.log(`seeded in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    }
    await db.execute(sql`vacuum analyze invoices`);
    await db.execute(sql`vacuum analyze contacts`);
    await analyze(db);

    // The cursor a person holds on page 1,000 (rows 49,951–50,000 of the default date-desc order):
    // found once here by OFFSET; the page itself is then fetched by keyset as the app does.
    const deepPage = Math.min(1000, Math.floor(N_INVOICES / PAGE_SIZE));
    const [anchor] = await db
      .select({ k: sql<string>`${invoices.date}::text`, id: sql<string>`${invoices.invoiceId}::text` })
      .from(invoices)
      .where(sql`${invoices.date} is not null`)
      .orderBy(desc(invoices.date), asc(invoices.invoiceId))
      .offset((deepPage - 1) * PAGE_SIZE - 1)
      .limit(1);
    const deepCursor = encodeCursor({ s: "date.desc", k: anchor!.k, id: anchor!.id });
    const contactDeep = Math.min(300, Math.floor(N_CONTACTS / PAGE_SIZE));
    const [cAnchor] = await db
      .select({ k: contacts.name, id: sql<string>`${contacts.contactId}::text` })
      .from(contacts)
      .orderBy(asc(contacts.name), asc(contacts.contactId))
      .offset((contactDeep - 1) * PAGE_SIZE - 1)
      .limit(1);
    const contactCursor = encodeCursor({ s: "name.asc", k: cAnchor!.k, id: cAnchor!.id });

    const inv = (qs: string) => parseEntityQuery(INV, Object.fromEntries(new URLSearchParams(qs)));
    const con = (qs: string) => parseEntityQuery(CON, Object.fromEntries(new URLSearchParams(qs)));
    // What each page does: tenants for the filter bar, the page (with its count) and the totals.
    // "cold" recomputes the totals every time (as after every sync); the page itself serves them
    // from the per-data-version cache (cachedInvoiceTotals), measured as "warm".
    const invoicesPage = (qs: string) => () =>
      Promise.all([listUserTenants(db, user), listInvoices(db, user.id, inv(qs)), invoiceTotals(db, user.id, inv(qs))]);
    const invoicesPageWarm = (qs: string) => () =>
      Promise.all([listUserTenants(db, user), listInvoices(db, user.id, inv(qs)), cachedInvoiceTotals(db, user.id, inv(qs))]);
    const contactsPage = (qs: string) => () => Promise.all([listUserTenants(db, user), listContacts(db, user.id, con(qs))]);
    const overview = async () => {
      const orgs = await getTenantSyncStatuses(db, user, { intervalMinutes: 15 });
      const ids = orgs.map((o) => o.id);
      await Promise.all([receivablesAging(db, ids), invoicedVsPaid(db, ids)]);
    };

    const overviewWarm = () => getOverview(db, user);

    const cases: Record<string, () => Promise<unknown>> = {
      "invoices: page 1": invoicesPage(""),
      "invoices: page 1, totals cached (warm)": invoicesPageWarm(""),
      [`invoices: page ${deepPage}, totals cached (warm)`]: invoicesPageWarm(`after=${deepCursor}&p=${deepPage}`),
      [`invoices: page ${deepPage}`]: invoicesPage(`after=${deepCursor}&p=${deepPage}`),
      "invoices: last page": invoicesPage("last=1"),
      "invoices: filtered + sorted (sales, awaiting payment, by amount due desc)": invoicesPage("type=sales&status=AUTHORISED&sort=amountDue&dir=desc"),
      "invoices: overdue by due date": invoicesPage("overdue=1&sort=due&dir=asc"),
      "invoices: search contact name 'Harbour Bakery'": invoicesPage("q=Harbour%20Bakery"),
      "invoices: search number 'INV-0123'": invoicesPage("q=INV-0123"),
      "invoices: page 1 without totals (list + count only)": () => listInvoices(db, user.id, inv("")),
      [`invoices: page ${deepPage} without totals`]: () => listInvoices(db, user.id, inv(`after=${deepCursor}&p=${deepPage}`)),
      "contacts: page 1": contactsPage(""),
      [`contacts: page ${contactDeep}`]: contactsPage(`after=${contactCursor}&p=${contactDeep}`),
      "contacts: search 'ava.1'": contactsPage("q=ava.1"),
      "contacts: archived customers by updated": contactsPage("status=ARCHIVED&role=customer&sort=updated&dir=desc"),
      "contacts: sorted by email": contactsPage("sort=email"),
      "history: page 1": () => listHistory(db, user, parseHistoryQuery({})),
      "overview (charts recomputed)": overview,
      "overview (charts cached, warm)": overviewWarm,
    };

    const results: Record<string, { p50: number; p95: number; max: number; runs: number }> = {};
    for (const [name, fn] of Object.entries(cases)) {
      results[name] = await measure(fn);
      console.log(`${name.padEnd(75)} p50 ${String(results[name].p50).padStart(6)} ms   p95 ${String(results[name].p95).padStart(6)} ms`);
    }
    const first = results["invoices: page 1 without totals (list + count only)"]!;
    const deep = results[`invoices: page ${deepPage} without totals`]!;
    const ratio = Math.round((deep.p50 / first.p50) * 100) / 100;
    const ratioFull = Math.round((results[`invoices: page ${deepPage}`]!.p50 / results["invoices: page 1"]!.p50) * 100) / 100;
    console.log(`page ${deepPage} / page 1 (p50): ${ratio} (list only), ${ratioFull} (whole page incl. totals)`);

    let http: Record<string, { p50: number; p95: number; max: number; runs: number }> | undefined;
    if (HTTP) {
      const token = await seedSession(db, user.id);
      const port = await freePort();
      app = spawn(process.execPath, ["node_modules/next/dist/bin/next", "start", "-p", String(port)], {
        env: {
          ...process.env,
          NODE_ENV: "production",
          DATABASE_URL: url.toString(),
          AUTH_SECRET: randomBytes(32).toString("base64"),
          TOKEN_ENCRYPTION_KEY: randomBytes(32).toString("hex"),
          NEXTAUTH_URL: `http://localhost:${port}`,
          SYNC_INTERVAL_MINUTES: "0",
          NEXT_TELEMETRY_DISABLED: "1",
        },
        stdio: "ignore",
      });
      const base = `http://localhost:${port}`;
      for (let i = 0; i < 100; i++) {
        try {
          if ((await fetch(`${base}/api/health`)).status < 500) break;
        } catch {
          // not up yet
        }
        await new Promise((r) => setTimeout(r, 300));
      }
      const get = (p: string) => async () => {
        const res = await fetch(base + p, { headers: { cookie: `next-auth.session-token=${token}` }, redirect: "manual" });
        if (res.status !== 200) throw new Error(`${p} answered ${res.status}`);
        await res.arrayBuffer();
      };
      http = {};
      for (const [name, p] of Object.entries({
        "GET /invoices": "/invoices",
        [`GET /invoices page ${deepPage}`]: `/invoices?after=${deepCursor}&p=${deepPage}`,
        "GET /invoices filtered + sorted": "/invoices?type=sales&status=AUTHORISED&sort=amountDue&dir=desc",
        "GET /invoices search": "/invoices?q=Harbour%20Bakery",
        "GET /contacts": "/contacts",
        "GET /dashboard": "/dashboard",
        "GET /api/v1/invoices": "/api/v1/invoices",
      })) {
        http[name] = await measure(get(p), Math.min(RUNS, 20));
        console.log(`${name.padEnd(75)} p50 ${String(http[name].p50).padStart(6)} ms   p95 ${String(http[name].p95).padStart(6)} ms`);
      }
      // The whole filtered set as CSV, streamed.
      const t1 = performance.now();
      const res = await fetch(`${base}/invoices/export`, { headers: { cookie: `next-auth.session-token=${token}` } });
      const body = await res.text();
      const csvMs = Math.round(performance.now() - t1);
      const rows = body.split("\r\n").length - 2;
      console.log(`CSV export of ${rows.toLocaleString()} invoices: ${csvMs} ms`);
      http["GET /invoices/export (all rows, one run)"] = { p50: csvMs, p95: csvMs, max: csvMs, runs: 1 };
    }

    const out = {
      date: new Date().toISOString(),
      machine: `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GB, ${os.platform()}`,
      // The machine is shared (other engineers' builds and tests): the 1/5/15-minute load averages
      // at the end of the run, to read the figures against.
      loadAverage: os.loadavg().map((l) => Math.round(l * 10) / 10),
      database: "PostgreSQL (throwaway cluster, fsync off)",
      data: { invoices: N_INVOICES, contacts: N_CONTACTS, tenants: 1, pageSize: PAGE_SIZE },
      unit: "ms, server time of the read-model calls a page makes (direct), or the whole page over HTTP",
      targetP95Ms: 150,
      deepPage,
      deepPageRatio: { listOnly: ratio, wholePage: ratioFull },
      readModels: results,
      ...(http ? { http } : {}),
    };
    const dir = path.join(import.meta.dirname, "results");
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "pages.json"), `${JSON.stringify(out, null, 2)}\n`);
    console.log(`wrote ${path.relative(process.cwd(), path.join(dir, "pages.json"))}`);
  } finally {
    app?.kill("SIGTERM");
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
