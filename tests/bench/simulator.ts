/**
 * Benchmark: how fast the simulator serves 1,000-invoice pages (with line items) from a
 * 100,000-invoice organisation, read through xero-node (parse + model deserialisation), through
 * xero-node keeping the bytes as the sync does (split into records by lib/sync/wire-json.ts), and
 * over raw HTTP (fetch + JSON.parse). Run: `npx tsx tests/bench/simulator.ts [pages]`.
 * Writes tests/bench/results/simulator.json.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, startSimulator } from "../../lib/xero-simulator";
import { parseEnvelope } from "../../lib/sync/xero-source";
import { createApiClient } from "../../lib/xero/client";
import { completeAuthorization, type XeroConfig } from "../../lib/xero/identity";
import { createAuthorizationRequest } from "../helpers/consent";

// The runner passes its flags (e.g. --rate) to every script: only a bare number is a page count.
const PAGES = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 30);
const PAGE_SIZE = 1000;

async function main() {
  const t0 = performance.now();
  const sim = await startSimulator({ port: 0, limits: false, tenants: [{ name: "Bench Co (UK)", invoices: 100_000, contacts: 5000 }] });
  const startMs = performance.now() - t0;
  const config: XeroConfig = { clientId: DEMO_CLIENT_ID, clientSecret: DEMO_CLIENT_SECRET, redirectUris: ["http://localhost:3000/callback"], scopes: ["openid", "offline_access", "accounting.transactions"], identityUrl: sim.url, apiUrl: sim.url, timeoutMs: 60_000 };
  const req = await createAuthorizationRequest(config, { extraParams: { sim_auto: "1" } });
  const loc = (await fetch(req.url, { redirect: "manual" })).headers.get("location") ?? "";
  const token = (await completeAuthorization(config, loc, req)).access_token ?? "";
  const tenantId = sim.sim.tenantList()[0]?.id ?? "";
  const xero = createApiClient(config, token);
  const wire = createApiClient(config, token, { wireResponses: true });

  const pageNumbers = Array.from({ length: PAGES }, (_, i) => 1 + ((i * 7) % 100)); // spread over the set
  let bytes = 0;
  let lineItems = 0;

  async function raw(page: number) {
    const res = await fetch(`${sim.url}/api.xro/2.0/Invoices?page=${page}&pageSize=${PAGE_SIZE}&order=UpdatedDateUTC%20ASC`, { headers: { authorization: `Bearer ${token}`, "xero-tenant-id": tenantId, accept: "application/json" } });
    const text = await res.text();
    bytes += text.length;
    const body = JSON.parse(text) as { Invoices: { LineItems: unknown[] }[] };
    if (body.Invoices.length !== PAGE_SIZE) throw new Error(`page ${page}: ${body.Invoices.length} invoices`);
    lineItems += body.Invoices.reduce((s, i) => s + i.LineItems.length, 0);
  }

  async function sdk(page: number) {
    const res = await xero.accountingApi.getInvoices(tenantId, undefined, undefined, "UpdatedDateUTC ASC", undefined, undefined, undefined, undefined, page, undefined, undefined, undefined, undefined, PAGE_SIZE);
    if (res.body.invoices?.length !== PAGE_SIZE) throw new Error(`page ${page}: ${res.body.invoices?.length} invoices`);
  }

  async function sync(page: number) {
    const res = await wire.accountingApi.getInvoices(tenantId, undefined, undefined, "UpdatedDateUTC ASC", undefined, undefined, undefined, undefined, page, undefined, undefined, undefined, undefined, PAGE_SIZE);
    const { records } = parseEnvelope(res.response.data, "Invoices");
    if (records.length !== PAGE_SIZE) throw new Error(`page ${page}: ${records.length} invoices`);
  }

  async function run(name: string, fn: (page: number) => Promise<void>, concurrency = 1) {
    await fn(1); // warm-up
    sim.sim.log.length = 0;
    const started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < pageNumbers.length) await fn(pageNumbers[next++] ?? 1);
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const serverMs = sim.sim.log.map((e) => e.durationMs).sort((a, b) => a - b);
    const result = {
      name,
      concurrency,
      pages: PAGES,
      seconds: +seconds.toFixed(3),
      pagesPerSecond: +(PAGES / seconds).toFixed(2),
      invoicesPerSecond: Math.round((PAGES * PAGE_SIZE) / seconds),
      serverMsMedian: serverMs[Math.floor(serverMs.length / 2)] ?? 0,
    };
    console.log(`${name.padEnd(28)} ${String(result.pagesPerSecond).padStart(7)} pages/s  ${String(result.invoicesPerSecond).padStart(7)} invoices/s  server median ${result.serverMsMedian} ms/page`);
    return result;
  }

  console.log(`simulator with 100,000 invoices started in ${startMs.toFixed(0)} ms; ${PAGES} pages of ${PAGE_SIZE} per run`);
  const results = [await run("raw HTTP (fetch + JSON.parse)", raw), await run("xero-node getInvoices", sdk), await run("xero-node, bytes (the sync)", sync), await run("raw HTTP, 4 concurrent", raw, 4)];
  const out = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    loadAverage: os.loadavg().map((n) => +n.toFixed(2)),
    tenantInvoices: 100_000,
    pageSize: PAGE_SIZE,
    avgPageBytes: Math.round(bytes / (PAGES * 2 + 2)),
    avgLineItemsPerInvoice: +(lineItems / ((PAGES * 2 + 2) * PAGE_SIZE)).toFixed(2),
    simulatorStartMs: Math.round(startMs),
    results,
  };
  const dir = path.resolve(import.meta.dirname, "results");
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "simulator.json"), `${JSON.stringify(out, null, 2)}\n`);
  console.log(`avg page ${(out.avgPageBytes / 1e6).toFixed(2)} MB, ${out.avgLineItemsPerInvoice} line items per invoice; wrote tests/bench/results/simulator.json`);
  await sim.close();
}

await main();
