/**
 * A day of the default schedule on the simulator's clock. `npm run bench -- --only=day`; alone:
 * `npx tsx tests/bench/day.ts [--invoices=2000] [--changes=1000]` (TEST_DATABASE_URL: a server to
 * make its databases on; else a throwaway PostgreSQL).
 *
 * One organisation with every entity on (journals included, every scope granted), the real
 * xero-node against the simulator over HTTP, SYNC_INTERVAL_MINUTES at its default. After a first
 * full sync, the clock steps through 24 hours a minute at a time (the simulator's clock and the
 * engine's), and each step runs what the app's scheduler would run then (runScheduledSyncs). Four days:
 * 1. idle, no webhooks; 2. idle, webhooks configured (XERO_WEBHOOK_KEY);
 * 3. and 4. the same with `--changes` new invoices spread evenly over the day (with webhooks, each
 *    minute with a change runs the webhook sync of the announced entity, as the receiver would).
 * A first day settles the schedule (the first sync's timing) and is not measured.
 * Calls: the simulator's request log, accounting API requests it answered (2xx; the 401s of
 * access tokens expired on the moved clock, each retried once after a refresh, are reported apart).
 * Bytes: every byte the simulator sent on the accounting API's connections (status lines, headers
 * and bodies), counted by a TCP relay in front of it (identity calls go around it). The changed
 * records' own size: every record the day's syncs wrote (new or newer: last_synced_at within the day,
 * every entity — the new invoices, and the journals they post), as compact JSON, Xero's text parsed
 * and printed again; the new invoices' share is reported beside it.
 * Targets: idle ≤ 250 calls and ≤ 1 MB; with changes, bytes ÷ the changed records' size ≤ 1.5.
 * Writes tests/bench/results/day.json.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import http from "node:http";
import type net from "node:net";
import path from "node:path";
import { sql } from "drizzle-orm";
import { openDatabase, queryRows } from "@/lib/db";
import { ENTITIES } from "@/lib/entities/registry";
import { parseEnv } from "@/lib/env";
import { projectCallsPerDay } from "@/lib/sync/cadence";
import { resetLimiters } from "@/lib/sync/call-layer";
import { runScheduledSyncs, syncTenant } from "@/lib/sync";
import { startSimulator } from "@/lib/xero-simulator";
import { simControl } from "../helpers/sim-control";
import { connectSimUser, pointEnvAtSimulator, SIM_REDIRECT_URI, SIM_SCOPES } from "../helpers/sim-connect";

const arg = (name: string, fallback: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback);
const INVOICES = arg("invoices", 2000);
const CHANGES = arg("changes", 1000);
const MINUTE = 60_000;
const DAY_MINUTES = 1440;
const SCOPES = [...new Set([...SIM_SCOPES, ...ENTITIES.map((e) => e.xero.scopes[0])])];
/**
 * New invoices: each change is a record of its own. The simulator edits only unpaid invoices (a
 * few hundred of the organisation's), so 1,000 edits would be a few edits each of those, and a
 * record edited twice between two polls is fetched once.
 */
const MUTATIONS = ["create"];
const DEFAULT_INTERVAL = parseEnv({ XERO_DEMO: "1" }).SYNC_INTERVAL_MINUTES;

const log = (msg: string) => console.log(`[bench:day] ${msg}`);
const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;

/**
 * A relay in front of the simulator's accounting API that counts what it answers: each response's
 * status line, headers and body, byte for byte as the simulator sent them.
 */
async function countingRelay(upstreamPort: number) {
  let received = 0;
  const agent = new http.Agent({ keepAlive: false });
  const server = http.createServer((req, res) => {
    const up = http.request({ host: "127.0.0.1", port: upstreamPort, method: req.method, path: req.url, headers: req.headers, agent }, (upRes) => {
      received += `HTTP/1.1 ${upRes.statusCode} ${upRes.statusMessage}\r\n`.length + 2;
      for (let i = 0; i < upRes.rawHeaders.length; i += 2) received += `${upRes.rawHeaders[i]}: ${upRes.rawHeaders[i + 1]}\r\n`.length;
      res.writeHead(upRes.statusCode ?? 502, upRes.rawHeaders);
      upRes.on("data", (chunk: Buffer) => {
        received += chunk.length;
        res.write(chunk);
      });
      upRes.on("end", () => res.end());
    });
    up.on("error", () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    take: () => {
      const n = received;
      received = 0;
      return n;
    },
    close: () => {
      agent.destroy();
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

const results: Record<string, unknown> = { invoices: INVOICES, changes: CHANGES, intervalMinutes: DEFAULT_INTERVAL, entities: ENTITIES.map((e) => e.name) };
const sim = await startSimulator({ port: 0, seed: 11, limits: false, tenants: [{ name: "Day Org (NZ)", invoices: INVOICES, contacts: Math.round(INVOICES / 4) }], demoRedirectUris: [SIM_REDIRECT_URI] });
const relay = await countingRelay(sim.port);
const ctl = <T>(method: string, p: string, body?: unknown) => simControl<T>(sim, method, p, body);
const env = (webhooks: boolean) =>
  pointEnvAtSimulator(sim.url, {
    XERO_API_URL: relay.url,
    XERO_TIMEOUT_MS: "60000",
    XERO_SYNC_ENTITIES: ENTITIES.map((e) => e.name).join(","),
    SYNC_INTERVAL_MINUTES: String(DEFAULT_INTERVAL),
    XERO_WEBHOOK_KEY: webhooks ? "bench-webhook-key" : "",
  });
env(false);
// PGlite, the app's own scheduler's database (on PostgreSQL the workers schedule, and Xero's limits
// are shared through the database on the real clock, which this compressed day would trip).
const dataDir = mkdtempSync(path.join(os.tmpdir(), "xs-bench-day-"));
const db = await openDatabase({ dataDir });
try {
  const user = await connectSimUser(db.db, sim, "bench-day@example.com", SCOPES);
  const tenant = user.tenants[0]!;
  // The next UTC midnight: the simulator's clock only moves forward (records and tokens carry its time).
  const t0 = Math.ceil((Date.now() + 20 * MINUTE) / 86_400_000) * 86_400_000;
  await ctl("POST", "/__sim/clock", { setMs: t0 - 10 * MINUTE });
  const first = await syncTenant(db.db, { tenantId: tenant.id, trigger: "manual", now: () => t0 - 10 * MINUTE, callOptions: { pacing: false } });
  if (first.status !== "success") throw new Error(`first sync: ${JSON.stringify(first)}`);
  log(`first sync: ${first.calls} calls`);
  // A day of settling first, so each measured day starts from the schedule's steady state (no
  // entity is due only because the first sync came just before midnight).
  const days: { label: string; webhooks: boolean; changes: number; measured: boolean }[] = [
    { label: "settle", webhooks: false, changes: 0, measured: false },
    { label: "idle", webhooks: false, changes: 0, measured: true },
    { label: "changes", webhooks: false, changes: CHANGES, measured: true },
    { label: "idle_webhooks", webhooks: true, changes: 0, measured: true },
    { label: "changes_webhooks", webhooks: true, changes: CHANGES, measured: true },
  ];
  for (const [d, day] of days.entries()) {
    env(day.webhooks);
    const dayStart = t0 + d * DAY_MINUTES * MINUTE;
    const changes = day.changes;
    const startSeq = (await ctl<{ lastSeq: number }>("GET", `/__sim/log?since=0&tenantId=${tenant.xeroTenantId}`)).lastSeq;
    relay.take();
    const [mark] = await queryRows<{ at: string }>(db.db, sql`select now()::text as at`);
    const changedIds = new Set<string>();
    let syncs = 0;
    let webhookSyncs = 0;
    const editsAt = (m: number) => Math.floor((changes * (m + 1)) / DAY_MINUTES) - Math.floor((changes * m) / DAY_MINUTES);
    for (let m = 0; m < DAY_MINUTES; m++) {
      const now = dayStart + m * MINUTE;
      const edits = editsAt(m);
      // The minute's scheduler tick has work only when an organisation's slot has come (next_sync_at).
      const [slot] = await queryRows<{ next: string | null }>(db.db, sql`select min(next_sync_at)::text as next from xero_tenants where sync_paused_at is null`);
      const due = !slot?.next || Date.parse(slot.next) <= now;
      if (!edits && !due) {
        // Nothing happens before the next slot or edit: jump there.
        let next = slot?.next ? Math.ceil((Date.parse(slot.next) - dayStart) / MINUTE) : DAY_MINUTES;
        for (let k = m + 1; k < next; k++) if (editsAt(k)) next = k;
        m = Math.max(m, Math.min(next, DAY_MINUTES) - 1);
        continue;
      }
      await ctl("POST", "/__sim/clock", { setMs: now });
      // The day runs in a few real minutes: the call layer's 60-a-minute window (real clock) would
      // hold calls that a real day spreads over hours.
      resetLimiters();
      if (edits) {
        const r = await ctl<{ changes: { id: string }[] }>("POST", "/__sim/mutate", { tenantId: tenant.xeroTenantId, entity: "invoices", count: edits, kinds: MUTATIONS });
        for (const c of r.changes) changedIds.add(c.id);
        if (day.webhooks) {
          // The receiver's sync of what Xero announced (lib/sync/webhook-syncs.ts), a second later:
          // at most one a minute, as WEBHOOK_SYNC_DEBOUNCE_SECONDS (60) allows.
          await ctl("POST", "/__sim/clock", { setMs: now + 1000 });
          const w = await syncTenant(db.db, { tenantId: tenant.id, trigger: "webhook", entities: ["invoices"], now: () => now + 1000 });
          if (w.status !== "success") throw new Error(`webhook sync: ${JSON.stringify(w)}`);
          webhookSyncs++;
        }
      }
      if (due) {
        const ran = await runScheduledSyncs(db.db, { now: () => now });
        const notDue = (r: (typeof ran)[number]["result"]) => r.status === "skipped" && r.reason === "not_due";
        for (const r of ran) if (r.result.status !== "success" && !notDue(r.result)) throw new Error(`scheduled sync at minute ${m}: ${JSON.stringify(r.result)}`);
        syncs += ran.filter((r) => !notDue(r.result)).length;
      }
    }
    if (!day.measured) continue;
    const bytes = relay.take();
    const entries = (await ctl<{ entries: { path: string; status: number }[] }>("GET", `/__sim/log?since=${startSeq}&tenantId=${tenant.xeroTenantId}`)).entries.filter((e) => e.path.includes("/api.xro/"));
    const answered = entries.filter((e) => e.status < 400);
    const perEndpoint: Record<string, number> = {};
    for (const e of answered) {
      const name = e.path.split("/").pop()!;
      perEndpoint[name] = (perEndpoint[name] ?? 0) + 1;
    }
    const out: Record<string, unknown> = {
      scheduledSyncs: syncs,
      webhookSyncs,
      calls: answered.length,
      rejectedExpiredToken: entries.filter((e) => e.status === 401).length,
      callsPerEndpoint: perEndpoint,
      projectedCalls: projectCallsPerDay(ENTITIES, { intervalMinutes: DEFAULT_INTERVAL, webhooks: day.webhooks }).total,
      bytesReceived: bytes,
    };
    if (!changes) {
      out.callsTarget = { target: "≤ 250 calls a day, idle, every entity on", ratio: answered.length, pass: answered.length <= 250 };
      out.bytesTarget = { target: "≤ 1 MB received in an idle day", ratio: `${round(bytes / 1_000_000, 3)} MB`, pass: bytes <= 1_000_000 };
    } else {
      const ids = new Set(changedIds);
      let own = 0;
      let ownInvoices = 0;
      const perEntity: Record<string, number> = {};
      for (const def of ENTITIES) {
        const rows = await queryRows<{ id: string; raw: unknown }>(
          db.db,
          sql`select ${def.idColumn}::text as id, raw from ${def.table} where tenant_id = ${tenant.id}::uuid and last_synced_at >= ${mark!.at}::timestamptz`,
        );
        if (rows.length === 0) continue;
        perEntity[def.name] = rows.length;
        for (const r of rows) {
          const n = Buffer.byteLength(JSON.stringify(typeof r.raw === "string" ? JSON.parse(r.raw) : r.raw));
          own += n;
          if (def.name === "invoices" && ids.has(r.id)) ownInvoices += n;
        }
      }
      out.changedInvoices = changedIds.size;
      out.changedInvoicesBytes = ownInvoices;
      out.changedRecordsPerEntity = perEntity;
      out.changedRecordsBytes = own;
      const ratio = round(bytes / own, 3);
      out.bytesRatio = { target: "bytes received ÷ the changed records' own JSON ≤ 1.5", ratio, pass: ratio <= 1.5 };
    }
    results[day.label] = out;
    log(`${day.label}: ${JSON.stringify(out)}`);
  }
} finally {
  await db.close();
  await relay.close();
  await sim.close();
  rmSync(dataDir, { recursive: true, force: true });
}

const dir = path.join(import.meta.dirname, "results");
mkdirSync(dir, { recursive: true });
writeFileSync(path.join(dir, "day.json"), `${JSON.stringify({ ranAt: new Date().toISOString(), ...results }, null, 2)}\n`);
log("wrote tests/bench/results/day.json");
