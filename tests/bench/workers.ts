/**
 * Sync workers benchmark: organisations fully synced per minute with 1, 2 and 4 `npm run worker`
 * processes (each a real lib/cli/worker.ts), under the simulator's real limits (5 in flight and 60
 * a minute per organisation, the daily quota, 10,000 a minute per app) and a latency per answer.
 * `npm run bench -- --only=workers`; alone:
 * `npx tsx tests/bench/workers.ts [--orgs=60] [--invoices=20000] [--latency-ms=1000] [--concurrency=1] [--workers=1,2,4]`.
 *
 * One simulator (a child process) holds the same data for every run: `--orgs` organisations of
 * `--invoices` invoices each (their contacts in the default proportion, every other fixture empty:
 * only invoices are synced, XERO_SYNC_ENTITIES=invoices). Each run gets a fresh database on one
 * PostgreSQL server (TEST_DATABASE_URL, else a throwaway one), connects every organisation in one
 * grant, starts its workers (the same SYNC_MAX_CONCURRENT for all runs) and, once they are ready,
 * enqueues the first sync of every organisation at t0 as Connect Xero does (enqueueFirstSyncs); it
 * ends when every organisation's first sync has succeeded (the database's clock for both ends).
 *
 * Reported per run: organisations per minute, the workers' CPU (user + system, from /proc) and the
 * machine's, the calls the simulator logged (and the sessions recorded) against the minimum
 * Σ (ceil(N/1000) + 1) over the organisations' invoice counts as the simulator seeded them, and the
 * simulator's 429s (must be 0). Ratios 2w/1w ≥ 1.8 and 4w/1w ≥ 3.2.
 * Writes tests/bench/results/workers.json.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { sql } from "drizzle-orm";
import { queryRows } from "@/lib/db";
import { enqueueFirstSyncs } from "@/lib/jobs/enqueue";
import { stopBoss, SYNC_QUEUE } from "@/lib/jobs/queue";
import { ENTITIES as SIM_FIXTURES } from "@/lib/xero-simulator/entities/registry";
import { startPostgresServer } from "../helpers/postgres-server";
import { spawnTsx, type TsxChild } from "../helpers/tsx-child";
import { until } from "../helpers/until";
import { connectBenchUser, freshDatabase, pointEnvAtSimulator, startSimChild } from "./sync-helpers";

const arg = (name: string, fallback: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback;
const ORGS = Number(arg("orgs", "60"));
const INVOICES = Number(arg("invoices", "20000"));
/**
 * Each answer's latency in the simulator. An assumption, not a measurement of Xero: a page of
 * 1,000 invoices with their line items is about 1.8 MB of JSON that Xero assembles from its
 * database, and Xero's answers are slow next to a local server's; 1 s is the order of a page that
 * size, well above the simulator's own serving time (~50 ms a page).
 */
const LATENCY_MS = Number(arg("latency-ms", "1000"));
/**
 * SYNC_MAX_CONCURRENT of every worker in every run. 1: on 2 shared cores one sync's ingest already
 * takes a fair share of a core; more syncs per worker would make even the 1-worker run wait on CPU
 * rather than on Xero, and the comparison would measure the machine, not the workers.
 */
const CONCURRENCY = Number(arg("concurrency", "1"));
const WORKER_COUNTS = arg("workers", "1,2,4").split(",").map(Number);
/** How long one run may take before the benchmark gives up on it (a stall is a defect to report). */
const RUN_TIMEOUT_MS = Number(arg("run-timeout-minutes", "30")) * 60_000;
const WORKER = path.resolve("lib/cli/worker.ts");
const ORG_NAMES = Array.from({ length: ORGS }, (_, i) => `Bench ${String(i + 1).padStart(2, "0")} (NZ)`);

const log = (msg: string) => console.log(`[bench:workers] ${msg}`);
const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;
const TICKS = 100; // USER_HZ: /proc's CPU times are in 1/100 s on Linux

/** A process's CPU seconds so far (utime + stime of /proc/<pid>/stat). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
}

/** The machine's busy and total CPU seconds so far (/proc/stat, all cores). */
function machineCpu(): { busy: number; total: number } {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = line.reduce((a, b) => a + b, 0);
  const idle = (line[3] ?? 0) + (line[4] ?? 0);
  return { busy: (total - idle) / TICKS, total: total / TICKS };
}

const wallStart = performance.now();
const throwaway = process.env.TEST_DATABASE_URL ? null : await startPostgresServer();
const adminUrl = process.env.TEST_DATABASE_URL || throwaway!.url;
const sim = await startSimChild();
pointEnvAtSimulator(sim.url);

interface SimTenant {
  tenantId: string;
  name: string;
  counts: Record<string, number>;
}

interface LogEntry {
  seq: number;
  method: string;
  path: string;
  tenantId: string | null;
  status: number;
  kind: string;
  durationMs: number;
}

const results: Record<string, unknown> = {
  when: new Date().toISOString(),
  machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, node: process.version, memoryGb: round(os.totalmem() / 2 ** 30, 1), loadAverageAtStart: os.loadavg().map((l) => round(l)) },
  config: {
    organisations: ORGS,
    invoicesEach: INVOICES,
    latencyMs: LATENCY_MS,
    syncMaxConcurrent: CONCURRENCY,
    workers: WORKER_COUNTS,
    entities: "invoices",
    limits: "the simulator's real ones: 5 in flight, 60 a minute, 5,000 a day per organisation; 10,000 a minute per app",
    database: process.env.TEST_DATABASE_URL ? "TEST_DATABASE_URL's server" : "a throwaway PostgreSQL server",
  },
};

function simMemoryMb(): number | null {
  try {
    const kb = Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${sim.child.pid}/status`, "utf8"))?.[1] ?? 0);
    return round(kb / 1024, 0);
  } catch {
    return null;
  }
}

async function dropDatabase(url: string): Promise<void> {
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${new URL(url).pathname.slice(1)} with (force)`);
  await admin.end();
}

async function simLog(since: number): Promise<LogEntry[]> {
  const { entries } = await sim.ctl<{ entries: LogEntry[] }>("GET", `/__sim/log?since=${since}`);
  return entries;
}
const lastSeq = async () => (await sim.ctl<{ lastSeq: number }>("GET", "/__sim/log?since=999999999")).lastSeq;

async function runWith(workerCount: number, tenantsTruth: SimTenant[], minimumCalls: number) {
  const label = `wbench_${workerCount}w`;
  const db = await freshDatabase(adminUrl, label);
  // Every run starts from fresh limit counters (the simulated day too), on the same data.
  await sim.ctl("POST", "/__sim/limits", { enabled: true, concurrent: 5, perMinute: 60, perDay: 5000, appPerMinute: 10_000, latencyMs: LATENCY_MS, resetCounters: true });
  const user = await connectBenchUser(db, sim);
  const env = {
    ...process.env,
    DATABASE_URL: db.url,
    XERO_SYNC_ENTITIES: "invoices",
    SYNC_MAX_CONCURRENT: String(CONCURRENCY),
    SYNC_INTERVAL_MINUTES: "0",
    XERO_TIMEOUT_MS: "60000",
  };
  const workers: TsxChild[] = [];
  const pids: number[] = [];
  try {
    for (let i = 0; i < workerCount; i++) workers.push(spawnTsx(WORKER, [], env));
    await Promise.all(workers.map((w) => w.printed(new RegExp(`Sync worker (\\d+): ${CONCURRENCY} at once`))));
    for (const w of workers) pids.push(Number(/Sync worker (\d+):/.exec(w.out())![1]));
    const seq0 = await lastSeq();
    const cpu0 = pids.map(cpuSeconds);
    const machine0 = machineCpu();
    const load0 = os.loadavg()[0]!;
    const [{ t0 }] = (await queryRows<{ t0: Date }>(db.db, sql`select now() as t0`)) as [{ t0: Date }];
    const ids = user.tenants.map((t) => t.id);
    await enqueueFirstSyncs(db.url, ids);
    log(`${workerCount} worker(s): ${ids.length} first syncs enqueued`);

    let lastReport = 0;
    await until(
      async () => {
        const [done] = await queryRows<{ n: number }>(db.db, sql`select count(distinct tenant_id)::int as n from xero_sessions where kind = 'sync' and outcome = 'success'`);
        const [failed] = await queryRows<{ n: number }>(db.db, sql`select count(*)::int as n from pgboss.job where name = ${SYNC_QUEUE} and state = 'failed'`);
        if (failed!.n > 0) throw new Error(`${failed!.n} sync job(s) failed: ${workers.map((w) => w.out()).join("\n")}`);
        if (Date.now() - lastReport > 30_000) {
          lastReport = Date.now();
          log(`${workerCount} worker(s): ${done!.n}/${ids.length} organisations synced`);
        }
        return done!.n === ids.length;
      },
      RUN_TIMEOUT_MS,
      `every organisation's first sync with ${workerCount} worker(s)`,
      250,
    );
    const cpu1 = pids.map(cpuSeconds);
    const machine1 = machineCpu();
    const [{ t1 }] = (await queryRows<{ t1: Date }>(
      db.db,
      sql`select max(finished_at) as t1 from xero_sessions where kind = 'sync' and outcome = 'success'`,
    )) as [{ t1: Date }];
    const seconds = (new Date(t1).getTime() - new Date(t0).getTime()) / 1000;
    const [sessions] = await queryRows<{ n: number; calls: number; fetched: number; failedSessions: number }>(
      db.db,
      sql`select count(*)::int as n, coalesce(sum(api_calls), 0)::int as calls, coalesce(sum(records_fetched), 0)::int as fetched,
                 count(*) filter (where outcome <> 'success')::int as "failedSessions"
          from xero_sessions where kind = 'sync'`,
    );
    // Where the time went: the syncs' own durations against the run's slots (workers × concurrency).
    const [timing] = await queryRows<{ sessionSeconds: number; firstStart: number; meanSeconds: number }>(
      db.db,
      sql`select coalesce(sum(extract(epoch from finished_at - started_at)), 0)::float8 as "sessionSeconds",
                 extract(epoch from min(started_at) - ${t0}::timestamptz)::float8 as "firstStart",
                 coalesce(avg(extract(epoch from finished_at - started_at)), 0)::float8 as "meanSeconds"
          from xero_sessions where kind = 'sync'`,
    );
    const [stored] = await queryRows<{ n: number }>(db.db, sql`select count(*)::int as n from invoices`);
    const entries = (await simLog(seq0)).filter((e) => e.kind === "api");
    const invoiceCalls = entries.filter((e) => e.method === "GET" && e.path.toLowerCase() === "/api.xro/2.0/invoices");
    const byPath: Record<string, number> = {};
    for (const e of entries) byPath[`${e.method} ${e.path}`] = (byPath[`${e.method} ${e.path}`] ?? 0) + 1;
    const perOrg = new Map<string, number>();
    for (const e of invoiceCalls) perOrg.set(e.tenantId ?? "?", (perOrg.get(e.tenantId ?? "?") ?? 0) + 1);
    const overMinimum = tenantsTruth.filter((t) => (perOrg.get(t.tenantId) ?? 0) > Math.ceil((t.counts.invoices ?? 0) / 1000) + 1).map((t) => t.name);
    const workerCpu = cpu1.map((c, i) => round(c - cpu0[i]!));
    const workerCpuTotal = workerCpu.reduce((a, b) => a + b, 0);
    const machineBusy = machine1.busy - machine0.busy;
    const machineTotal = machine1.total - machine0.total;
    const run = {
      workers: workerCount,
      syncMaxConcurrent: CONCURRENCY,
      seconds: round(seconds, 1),
      organisationsPerMinute: round((ids.length / seconds) * 60, 2),
      invoicesPerSecond: round(stored!.n / seconds, 0),
      invoicesStored: stored!.n,
      sessions: {
        ...sessions,
        meanSeconds: round(timing!.meanSeconds),
        firstStartedAfterSeconds: round(timing!.firstStart),
        /** The share of the run's sync slots (workers × SYNC_MAX_CONCURRENT × seconds) spent in a sync. */
        slotsBusyFraction: round(timing!.sessionSeconds / (workerCount * CONCURRENCY * seconds)),
      },
      calls: {
        simulatorLogged: entries.length,
        simulatorInvoices: invoiceCalls.length,
        recordedBySessions: sessions!.calls,
        minimum: minimumCalls,
        organisationsAboveMinimum: overMinimum,
        byPath,
        /** The simulator's own time per invoices answer, the latency included. */
        meanAnswerMs: round(invoiceCalls.reduce((n, e) => n + e.durationMs, 0) / Math.max(1, invoiceCalls.length), 0),
      },
      simulator429: entries.filter((e) => e.status === 429).length,
      simulatorErrors: entries.filter((e) => e.status >= 400).length,
      cpu: {
        workerSeconds: workerCpu,
        workersTotalSeconds: round(workerCpuTotal, 1),
        /** Cores the workers kept busy on average (2 would be the whole machine). */
        workersCores: round(workerCpuTotal / seconds),
        machineBusyFraction: round(machineBusy / machineTotal),
        loadAverage1mAtStart: round(load0),
        loadAverage1mAtEnd: round(os.loadavg()[0]!),
      },
    };
    log(
      `${workerCount} worker(s): ${ids.length} organisations in ${run.seconds} s = ${run.organisationsPerMinute}/min; ` +
        `calls ${entries.length} (min ${minimumCalls}), 429s ${run.simulator429}; workers' CPU ${run.cpu.workersCores} cores, machine ${Math.round(run.cpu.machineBusyFraction * 100)}% busy`,
    );
    return run;
  } finally {
    for (const w of workers) w.kill("SIGTERM");
    await Promise.all(workers.map((w) => w.exited));
    await stopBoss(db.url);
    await db.close();
    await dropDatabase(db.url);
  }
}

try {
  log(`seeding ${ORGS} organisations × ${INVOICES.toLocaleString()} invoices (every fixture but contacts empty)`);
  const counts = Object.fromEntries(SIM_FIXTURES.map((f) => [f.name, 0]));
  const reset = await sim.ctl<{ ms: number }>("POST", "/__sim/reset", { seed: 11, tenants: ORG_NAMES.map((name) => ({ name, invoices: INVOICES, counts })) });
  const truth = await sim.ctl<SimTenant[]>("GET", "/__sim/tenants");
  const minimumCalls = truth.reduce((n, t) => n + Math.ceil((t.counts.invoices ?? 0) / 1000) + 1, 0);
  results.seeding = { seconds: round(reset.ms / 1000, 1), simulatorRssMb: simMemoryMb(), invoices: truth.reduce((n, t) => n + (t.counts.invoices ?? 0), 0), minimumCalls };
  log(`seeded in ${round(reset.ms / 1000, 1)} s, simulator RSS ${simMemoryMb()} MB; minimum calls per run ${minimumCalls}`);

  const runs: Awaited<ReturnType<typeof runWith>>[] = [];
  for (const w of WORKER_COUNTS) runs.push(await runWith(w, truth, minimumCalls));
  results.runs = runs;
  const base = runs.find((r) => r.workers === 1);
  const ratio = (w: number, target: number) => {
    const r = runs.find((x) => x.workers === w);
    if (!base || !r) return undefined;
    const v = round(r.organisationsPerMinute / base.organisationsPerMinute);
    return { ratio: v, target: `${w} workers vs 1, organisations per minute ≥ ${target}`, pass: v >= target };
  };
  results.scaling = { twoVsOne: ratio(2, 1.8), fourVsOne: ratio(4, 3.2) };
  results.calls = {
    ratio: Math.max(...runs.map((r) => r.calls.simulatorLogged)) / minimumCalls,
    target: "every run's calls (the simulator's log) ≤ Σ ceil(N/1000) + 1",
    pass: runs.every((r) => r.calls.simulatorLogged <= minimumCalls && r.calls.recordedBySessions <= minimumCalls),
  };
  results.no429 = { ratio: runs.reduce((n, r) => n + r.simulator429, 0), target: "no 429 from the simulator in any run", pass: runs.every((r) => r.simulator429 === 0) };
  results.simulatorRssMbAtEnd = simMemoryMb();
  results.wallSeconds = round((performance.now() - wallStart) / 1000, 0);
  const dir = path.join(import.meta.dirname, "results");
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "workers.json"), `${JSON.stringify(results, null, 2)}\n`);
  log(`results: ${JSON.stringify({ scaling: results.scaling, calls: results.calls, no429: results.no429 })}`);
} finally {
  sim.child.kill("SIGTERM");
  throwaway?.stop();
}
process.exit(0);
