/**
 * Entity model benchmark, generic over the registry (lib/entities/registry.ts ENTITIES): every
 * entity defined is measured, none is named here. `npm run bench` runs it; alone:
 * `npx tsx tests/bench/entities.ts [--invoices=100000] [--memory-invoices=1000000]`.
 * A throwaway PostgreSQL (tests/helpers/postgres-server.ts) and the simulator in a child process.
 *
 * One organisation with 100,000 invoices and every other entity in the simulator's default
 * proportions (the seeded counts read from /__sim/tenants):
 * 1. calls: a full sync's calls per entity, from the sync result (pages) and from the simulator's
 *    request log (they must agree), vs the ideal — keyset ceil(N/1000) + 1, unpaged and refresh 1,
 *    offset ceil(N/pageSize) + 1: each entity ≤ ideal, the total ≤ Σ ideal. A no-op sync right
 *    after: ≤ 1 call per entity, 0 for refresh entities (not due).
 * 2. ingest: each keyset entity synced on its own into a fresh database vs the floor — a plain
 *    batched postgres.js upsert (multi-row VALUES … ON CONFLICT … DO UPDATE … WHERE stored <
 *    incoming, 1,000 rows per statement, child rows inserted the same way) of the same rows into
 *    a fresh identical database, its column list derived from the table (mirrorSpec). Target
 *    ratio ≥ 0.9; entities under MIN_TIMED rows are reported, not judged.
 * 3. memory: peak RSS of an invoices sync at 100,000 vs 1,000,000 invoices, each in its own
 *    process (sync-child.ts): ≤ 1.1. The simulator's seeding of 1,000,000 invoices is timed first.
 * Writes tests/bench/results/entities.json; every figure comes from this one run.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { eq, sql } from "drizzle-orm";
import type { MirrorColumn } from "@/lib/db/queries/mirror-batch";
import type { EntityDefinition } from "@/lib/entities/definition";
import { ENTITIES } from "@/lib/entities/registry";
import { writeSpecOf } from "@/lib/entities/write-spec";
import { resetLimiters } from "@/lib/sync/call-layer";
import { syncTenant, type EntitySyncResult, type SyncResult } from "@/lib/sync";
import { SIM_SCOPES } from "../helpers/sim-connect";
import { startPostgresServer } from "../helpers/postgres-server";
import { connectBenchUser, freshDatabase, pointEnvAtSimulator, runSyncChild, startSimChild } from "./sync-helpers";

/** The simulator's limits are off, so the call layer's 60/minute pacing is too (see sync.ts). */
const UNPACED = { pacing: false };
const arg = (name: string, fallback: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback);
const INVOICES = arg("invoices", 100_000);
const MEMORY_INVOICES = arg("memory-invoices", 1_000_000);
/** Below this many rows a sync lasts well under a second: its rate is noise, not a measurement. */
const MIN_TIMED = 2_000;
/** PostgreSQL's bind parameter limit (a 16-bit count). */
const MAX_PARAMS = 65_535;
const ORG = "Bench (NZ)";
/** Every scope the registry's entities read with (the granular one each), so none is unavailable. */
const SCOPES = [...new Set([...SIM_SCOPES, ...ENTITIES.map((e) => e.xero.scopes[0])])];

const log = (msg: string) => console.log(`[bench:entities] ${msg}`);
const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;

type Success = Extract<SyncResult, { entities: unknown }>;
function ok(r: SyncResult): Success {
  if (r.status !== "success") throw new Error(`sync did not succeed: ${JSON.stringify(r)}`);
  return r;
}

/** The fewest calls a walk of `n` records can make, as the entity's walk kind allows. */
function idealCalls(def: EntityDefinition, n: number): number {
  switch (def.walk.kind) {
    case "keyset":
      return Math.ceil(n / 1000) + 1;
    case "unpaged":
    case "refresh":
      return 1;
    case "offset":
      return Math.ceil(n / def.walk.pageSize) + 1;
  }
}

const wallStart = performance.now();
const pg = await startPostgresServer();
const sim = await startSimChild();
pointEnvAtSimulator(sim.url);
const results: Record<string, unknown> = {
  when: new Date().toISOString(),
  machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, node: process.version, memoryGb: round(os.totalmem() / 2 ** 30, 1), loadAverageAtStart: os.loadavg().map((l) => round(l)) },
  entities: ENTITIES.map((e) => ({ name: e.name, walk: e.walk.kind })),
};

interface SimTenant {
  tenantId: string;
  name: string;
  counts: Record<string, number>;
}

async function seed(invoices: number): Promise<{ counts: Record<string, number>; seedMs: number }> {
  const reset = await sim.ctl<{ tenants: SimTenant[]; ms: number }>("POST", "/__sim/reset", { seed: 11, tenants: [{ name: ORG, invoices }] });
  await sim.ctl("POST", "/__sim/limits", { enabled: false, resetCounters: true });
  resetLimiters();
  const [t] = await sim.ctl<SimTenant[]>("GET", "/__sim/tenants");
  return { counts: t!.counts, seedMs: reset.ms };
}

async function connected(label: string) {
  const db = await freshDatabase(pg.url, label);
  const user = await connectBenchUser(db, sim, SCOPES);
  return { db, tenant: user.tenants[0]! };
}

async function dropDatabase(url: string): Promise<void> {
  const admin = postgres(pg.url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${new URL(url).pathname.slice(1)} with (force)`);
  await admin.end();
}

async function storedRows(handle: Awaited<ReturnType<typeof connected>>, def: EntityDefinition): Promise<number> {
  const spec = writeSpecOf(def);
  const [r] = await handle.db.db
    .select({ n: sql<number>`count(*)::int` })
    .from(def.table)
    .where(eq(spec.tenantColumn, handle.tenant.id));
  return r!.n;
}

/** The simulator's Accounting API requests for one endpoint's list since `since` (GET /__sim/log). */
async function loggedRequests(def: EntityDefinition, since: number): Promise<{ durationMs: number }[]> {
  const p = `/api.xro/2.0/${def.xero.endpoint}`;
  const { entries } = await sim.ctl<{ entries: { path: string; method: string; durationMs: number }[] }>("GET", `/__sim/log?since=${since}&path=${encodeURIComponent(p)}`);
  return entries.filter((e) => e.method === "GET" && e.path.toLowerCase() === p.toLowerCase());
}

const loggedCalls = async (def: EntityDefinition, since: number) => (await loggedRequests(def, since)).length;

const lastSeq = async () => (await sim.ctl<{ lastSeq: number }>("GET", "/__sim/log?since=999999999")).lastSeq;

/** A column read as text (what a sync holds), so one insert fits every type the tables use. */
const asText = (c: Pick<MirrorColumn, "name">) => `${c.name}::text as ${c.name}`;

/**
 * The floor for one entity: its rows (and child rows) as stored by the sync in `sourceUrl`, read
 * outside the timing, upserted by postgres.js in batches into `targetUrl` (a fresh database with the
 * same schema and the same user / connection / tenant rows). Only the statements are timed.
 */
async function floorUpsert(def: EntityDefinition, sourceUrl: string, sourceTenant: string, targetUrl: string): Promise<{ rows: number; childRows: number; seconds: number; rowsPerStatement: number }> {
  const spec = writeSpecOf(def);
  const src = postgres(sourceUrl, { max: 1, onnotice: () => {} });
  const dst = postgres(targetUrl, { max: 1, onnotice: () => {} });
  const [tenantRow] = await dst`select id from xero_tenants order by created_at limit 1`;
  const targetTenant = tenantRow!.id as string;
  const cols = ["tenant_id", ...spec.columns.map((c) => c.name)];
  const perStatement = Math.min(1000, Math.floor(MAX_PARAMS / cols.length));
  const t = spec.tableName;
  const updates = spec.columns.filter((c) => c.name !== spec.idName).map((c) => `${c.name} = excluded.${c.name}`).join(", ");
  const guard = spec.versioned ? `${t}.xero_updated_at < excluded.xero_updated_at` : `${t}.raw is distinct from excluded.raw`;
  let after: string | null = null;
  let rows = 0;
  let childRows = 0;
  let ms = 0;
  for (;;) {
    const batch: Record<string, unknown>[] = await src.unsafe(
      `select ${spec.columns.map(asText).join(", ")} from ${t} where tenant_id = $1 ${after === null ? "" : `and ${spec.idName} > $2`} order by ${spec.idName} limit ${perStatement}`,
      after === null ? [sourceTenant] : [sourceTenant, after],
    );
    if (batch.length === 0) break;
    after = batch.at(-1)![spec.idName] as string;
    const values = batch.map((r) => ({ ...r, tenant_id: targetTenant }));
    const children: { table: string; cols: string[]; rows: Record<string, unknown>[] }[] = [];
    for (const child of spec.children) {
      const ids = batch.map((r) => r[spec.idName] as string);
      const found: Record<string, unknown>[] = await src.unsafe(
        `select ${child.columns.map(asText).join(", ")} from ${child.tableName} where tenant_id = $1 and ${child.parentName} = any($2::${spec.idType}[])`,
        [sourceTenant, ids],
      );
      children.push({ table: child.tableName, cols: ["tenant_id", ...child.columns.map((c) => c.name)], rows: found.map((r) => ({ ...r, tenant_id: targetTenant })) });
    }
    const t0 = performance.now();
    await dst`insert into ${dst(t)} ${dst(values as never, cols)} on conflict (tenant_id, ${dst(spec.idName)}) do update set ${dst.unsafe(updates)} where ${dst.unsafe(guard)}`;
    for (const c of children) {
      const per = Math.min(1000, Math.floor(MAX_PARAMS / c.cols.length));
      for (let i = 0; i < c.rows.length; i += per) await dst`insert into ${dst(c.table)} ${dst(c.rows.slice(i, i + per) as never, c.cols)}`;
    }
    ms += performance.now() - t0;
    rows += batch.length;
    childRows += children.reduce((n, c) => n + c.rows.length, 0);
  }
  await src.end();
  await dst.end();
  return { rows, childRows, seconds: ms / 1000, rowsPerStatement: perStatement };
}

/** The simulator process's resident memory now and at its peak (kB lines of /proc/<pid>/status). */
function simMemoryMb(): { rssMb: number; peakRssMb: number } | null {
  try {
    const status = readFileSync(`/proc/${sim.child.pid}/status`, "utf8");
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, "m").exec(status)?.[1] ?? 0);
    return { rssMb: round(kb("VmRSS") / 1024, 0), peakRssMb: round(kb("VmHWM") / 1024, 0) };
  } catch {
    return null;
  }
}

const perEntityCalls = (r: EntitySyncResult) => r.pages;

try {
  // ── the organisation ──
  log(`seeding one organisation: ${INVOICES.toLocaleString()} invoices, every other entity in the simulator's default proportion`);
  const org = await seed(INVOICES);
  results.organisation = { invoices: INVOICES, seededCounts: org.counts, seedSeconds: round(org.seedMs / 1000), simulatorMemory: simMemoryMb() };
  const missing = ENTITIES.filter((e) => org.counts[e.name] === undefined).map((e) => e.name);
  if (missing.length) log(`the simulator seeds no records for: ${missing.join(", ")}`);

  // ── 1: calls ──
  log("calls: a full sync of every entity");
  const a = await connected("calls");
  const seqFull = await lastSeq();
  const tFull = performance.now();
  // Every entity of the registry, journals included (an organisation on Xero's Advanced plan that
  // enabled them): the default leaves journals out (XERO_SYNC_ENTITIES).
  const every = ENTITIES.map((e) => e.name);
  const full = ok(await syncTenant(a.db.db, { tenantId: a.tenant.id, trigger: "cli", entities: every, callOptions: UNPACED }));
  const fullSeconds = (performance.now() - tFull) / 1000;
  log(`full sync: ${full.calls} calls in ${fullSeconds.toFixed(1)} s`);
  const seqNoop = await lastSeq();
  const noop = ok(await syncTenant(a.db.db, { tenantId: a.tenant.id, trigger: "cli", entities: every, callOptions: UNPACED }));
  log(`no-op sync: ${noop.calls} calls`);
  const callRows = [];
  for (const def of ENTITIES) {
    const n = org.counts[def.name];
    const r = full.entities.find((e) => e.entity === def.name);
    const again = noop.entities.find((e) => e.entity === def.name);
    const logged = await loggedCalls(def, seqFull);
    const loggedFull = logged - (await loggedCalls(def, seqNoop));
    const loggedNoop = logged - loggedFull;
    const ideal = n === undefined ? null : idealCalls(def, n);
    const calls = r ? perEntityCalls(r) : null;
    const noopCalls = again ? perEntityCalls(again) : null;
    const noopLimit = def.walk.kind === "refresh" ? 0 : 1;
    callRows.push({
      entity: def.name,
      walk: def.walk.kind,
      outcome: r?.outcome ?? "not synced",
      records: n ?? null,
      fetched: r?.fetched ?? null,
      stored: await storedRows(a, def),
      ideal,
      calls,
      loggedCalls: loggedFull,
      agree: calls === loggedFull,
      ratio: ideal && calls !== null ? round(calls / ideal) : null,
      verifications: r?.verifications ?? null,
      noop: { calls: noopCalls, loggedCalls: loggedNoop, agree: noopCalls === loggedNoop, notDue: again?.notDue ?? false, limit: noopLimit },
      pass:
        r?.outcome === "success" &&
        again?.outcome === "success" &&
        ideal !== null &&
        calls !== null &&
        calls <= ideal &&
        calls === loggedFull &&
        noopCalls !== null &&
        noopCalls <= noopLimit &&
        noopCalls === loggedNoop,
    });
  }
  const idealTotal = callRows.reduce((s, c) => s + (c.ideal ?? 0), 0);
  const callsTotal = callRows.reduce((s, c) => s + (c.calls ?? 0), 0);
  const loggedTotal = (await sim.ctl<{ entries: { seq: number }[] }>("GET", `/__sim/log?since=${seqFull}&path=/api.xro/2.0/`)).entries.filter((e) => e.seq <= seqNoop).length;
  results.calls = {
    fullSyncSeconds: round(fullSeconds, 1),
    perEntity: Object.fromEntries(callRows.map(({ entity, ...c }) => [entity, c])),
    total: {
      calls: callsTotal,
      syncResultCalls: full.calls,
      loggedCalls: loggedTotal,
      ideal: idealTotal,
      ratio: round(callsTotal / idealTotal, 3),
      target: "full sync ≤ Σ ideal calls, every API call counted by the sync and logged by the simulator",
      pass: callsTotal <= idealTotal && full.calls === callsTotal && loggedTotal === callsTotal,
    },
    noop: {
      calls: noop.calls,
      entities: noop.entities.length,
      target: "≤ 1 call per entity, 0 for refresh entities not due",
      pass: callRows.every((c) => c.noop.calls !== null && c.noop.calls <= c.noop.limit),
    },
    ideal: "keyset ceil(N/1000) + 1; unpaged and refresh 1; offset ceil(N/pageSize) + 1 (N: the simulator's seeded count)",
    target: "each entity ≤ its ideal (sync result and simulator log agree); no-op ≤ 1 per entity (0 for refresh)",
    pass: callRows.every((c) => c.pass),
  };
  await a.db.close();
  await dropDatabase(a.db.url);

  // ── 2: ingest, one entity at a time ──
  const keyset = ENTITIES.filter((e) => e.walk.kind === "keyset");
  const b = await connected("ingest");
  const floorDb = await freshDatabase(pg.url, "floor");
  await connectBenchUser(floorDb, sim, SCOPES); // the same user / connection / tenant rows the sync had
  await floorDb.close();
  const ingestRows = [];
  for (const def of keyset) {
    log(`ingest: ${def.name}`);
    const seq = await lastSeq();
    const t0 = performance.now();
    const r = ok(await syncTenant(b.db.db, { tenantId: b.tenant.id, trigger: "cli", entities: [def.name], callOptions: UNPACED }));
    const syncSeconds = (performance.now() - t0) / 1000;
    const e = r.entities[0]!;
    const served = await loggedRequests(def, seq);
    // What a sync of this entity costs beyond its rows (session, lease, token, one call): a no-op.
    const t1 = performance.now();
    ok(await syncTenant(b.db.db, { tenantId: b.tenant.id, trigger: "cli", entities: [def.name], callOptions: UNPACED }));
    const noopSeconds = (performance.now() - t1) / 1000;
    const floor = await floorUpsert(def, b.db.url, b.tenant.id, floorDb.url);
    const syncRate = e.inserted / syncSeconds;
    const floorRate = floor.rows / floor.seconds;
    const judged = e.inserted >= MIN_TIMED;
    log(`${def.name}: ${e.inserted} rows in ${syncSeconds.toFixed(2)} s (${e.pages} calls); floor ${floor.rows} rows + ${floor.childRows} child rows in ${floor.seconds.toFixed(2)} s`);
    ingestRows.push({
      entity: def.name,
      rows: e.inserted,
      calls: e.pages,
      syncSeconds: round(syncSeconds, 3),
      syncRowsPerSecond: Math.round(syncRate),
      noopSyncSeconds: round(noopSeconds, 3),
      simulatorMsPerCall: round(served.reduce((n, x) => n + x.durationMs, 0) / Math.max(1, served.length), 1),
      floorMsPerPage: round((floor.seconds * 1000) / Math.max(1, e.pages), 1),
      floorRows: floor.rows,
      floorChildRows: floor.childRows,
      floorRowsPerStatement: floor.rowsPerStatement,
      floorSeconds: round(floor.seconds, 3),
      floorRowsPerSecond: Math.round(floorRate),
      ratio: round(syncRate / floorRate),
      ...(judged
        ? { target: ">= 0.9", pass: syncRate / floorRate >= 0.9 }
        : { judged: false, why: `fewer than ${MIN_TIMED.toLocaleString()} rows: the sync lasts too little to time meaningfully` }),
    });
  }
  results.ingest = {
    floorMethod:
      "postgres.js multi-row VALUES … ON CONFLICT (tenant_id, id) DO UPDATE … WHERE stored < incoming, 1,000 rows per statement (fewer when 1,000 rows would pass 65,535 parameters), child rows inserted the same way; column lists from mirrorSpec; fresh database, same schema and indexes; only the statements timed",
    syncMethod:
      "syncTenant with entities: [name], one entity at a time, into a fresh database (simulator limits and client pacing off); noopSyncSeconds: a no-op sync of the entity right after (what every sync pays beyond its rows: session, lease, token, one call), not subtracted; simulatorMsPerCall: the simulator's mean time to serve one of the sync's pages (its log), which the floor does not pay — when it exceeds floorMsPerPage the sync waits on Xero, not on the database",
    perEntity: Object.fromEntries(ingestRows.map(({ entity, ...c }) => [entity, c])),
  };
  await b.db.close();
  await dropDatabase(b.db.url);
  await dropDatabase(floorDb.url);

  // ── 3: memory ──
  log(`memory: ${INVOICES.toLocaleString()} invoices in a child process`);
  const m1 = await connected("mem_small");
  await m1.db.close();
  const memSmall = await runSyncChild(m1.db.url, m1.tenant.id);
  await dropDatabase(m1.db.url);
  log(`memory: seeding ${MEMORY_INVOICES.toLocaleString()} invoices`);
  const bigOrg = await seed(MEMORY_INVOICES);
  const simAfterBigSeed = simMemoryMb();
  log(`seeded in ${(bigOrg.seedMs / 1000).toFixed(1)} s: ${JSON.stringify(bigOrg.counts)}`);
  log(`memory: ${MEMORY_INVOICES.toLocaleString()} invoices in a child process`);
  const m2 = await connected("mem_big");
  await m2.db.close();
  const memBig = await runSyncChild(m2.db.url, m2.tenant.id);
  await dropDatabase(m2.db.url);
  results.memory = {
    simulatorSeed: {
      invoices: MEMORY_INVOICES,
      seconds: round(bigOrg.seedMs / 1000, 1),
      counts: bigOrg.counts,
      memory: simAfterBigSeed,
      note: "POST /__sim/reset of one organisation, every entity in default proportion; the simulator keeps compact records and regenerates Xero's JSON per request",
    },
    small: { invoices: INVOICES, ...memSmall },
    big: { invoices: MEMORY_INVOICES, ...memBig },
    rssRatio: round(memBig.peakRssMb / memSmall.peakRssMb),
    heapRatio: round(memBig.peakHeapMb / memSmall.peakHeapMb),
    baseline: `${INVOICES.toLocaleString()}, not 10,000: a 10,000-invoice sync (10 pages) ends before V8 has grown its old generation to the steady size it then collects at, so its peak is not the sync's working set and a ratio against it measures V8's heap growth, not a leak`,
    target: "peak RSS ratio <= 1.1",
    pass: memBig.peakRssMb / memSmall.peakRssMb <= 1.1,
  };
} finally {
  sim.child.kill("SIGTERM");
  pg.stop();
}

results.wallSeconds = round((performance.now() - wallStart) / 1000, 0);
(results.machine as Record<string, unknown>).loadAverageAtEnd = os.loadavg().map((l) => round(l));
const dir = path.join(import.meta.dirname, "results");
mkdirSync(dir, { recursive: true });
writeFileSync(path.join(dir, "entities.json"), `${JSON.stringify(results, null, 2)}\n`);
log(`wrote ${path.relative(process.cwd(), path.join(dir, "entities.json"))}`);
console.log(JSON.stringify(results, null, 2));
process.exit(0);
