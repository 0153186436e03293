/**
 * The chaos run: a seeded random schedule of sync rounds against the simulator on PostgreSQL,
 * mixing Xero's failures, edits during and between syncs, bulk edits on one timestamp, revoked
 * grants and SIGKILLed sync processes; after every round the mirror must equal the simulator's
 * truth. `npm run chaos` (tests/chaos/run.ts) runs the long version, the integration suite a short
 * one (tests/integration/sync/chaos.postgres.test.ts); both call `runChaos`. No vitest here.
 *
 * A round, planned from (seed, round number) only:
 *   1. maybe move the simulated clock, then mutations in the simulator (batches, each in its own
 *      second; a bulk edit is one batch of hundreds sharing one UpdatedDateUTC), then the sync
 *      right away (as a webhook's) or some simulated seconds later (as the schedule's);
 *   2. faults posted BEFORE the sync, scoped by tenant and path, with counts (faults.ts fields);
 *      mutate-between-pages faults edit records right after a list page is served;
 *   3. one sync: in this process, or in a child process that SIGKILLs itself after its k-th
 *      committed page (deterministic: it depends on progress, not on timing);
 *   4. retries as the scheduler would make them, up to MAX_ATTEMPTS syncs: after a kill, once
 *      the dead process's lease has expired; after a revoked grant, once the user has consented
 *      again (Connect Xero through the app's own flow);
 *   5. if an edit between pages landed after the sync's last read of that entity (the
 *      simulator's log says so), one follow-up sync, as the webhook for that edit would start;
 *      every record that differs before it must be one of those edits;
 *   6. the comparison: database = simulator, record by record.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { eq } from "drizzle-orm";
import { xeroConnections, xeroTenants } from "@/lib/db/schema";
import { syncTenant, type SyncTenantOptions } from "@/lib/sync";
import { resetLimiters } from "@/lib/sync/call-layer";
import { startSimulator, type FaultKind, type FaultSpec, type RunningSimulator, type TenantSpec } from "@/lib/xero-simulator";
import { int, mix, pick, rng, type Rng } from "@/lib/xero-simulator/prng";
import { completeXeroConnect, startXeroConnect } from "@/lib/xero/connect-flow";
import type { ChildSyncOptions } from "@/tests/helpers/child-sync";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/db";
import { mirrorDifferences, mirrorViews, type RecordDifference } from "@/tests/helpers/mirror-compare";
import { connectSimUser, pointEnvAtSimulator, SIM_REDIRECT_URI, type SimConnectedUser } from "@/tests/helpers/sim-connect";
import { simControl } from "@/tests/helpers/sim-control";

/** Client timeout for the run's syncs; a `delay` fault holds a request for twice as long. */
export const CHAOS_TIMEOUT_MS = 1000;
/** Fast backoff so 200 rounds take minutes; the retry logic is the production one. */
const CALL_OPTIONS: NonNullable<SyncTenantOptions["callOptions"]> = {
  timeoutMs: CHAOS_TIMEOUT_MS,
  backoffBaseMs: 5,
  backoffMaxMs: 50,
  // The simulator runs without limits (it would report X-MinLimit-Remaining: 0 after 60 calls a
  // minute and the client would wait out the minute); 429s are injected and obeyed as always.
  pacing: false,
};
/** Lease of a child sync: short, so the sync after a SIGKILL takes over within seconds. */
const CHILD_LEASE_TTL_MS = 1500;
/** Syncs per round before it counts as not recovered (the scheduler would keep trying later). */
const MAX_ATTEMPTS = 5;
/** The call layer's attempts for 5xx / network / malformed (its default): a fault this many times in a row fails the sync. */
const EXHAUST = 6;

export interface ChaosTenant extends TenantSpec {
  pageSize: number;
}

/** Small organisations: one with a bulk edit in its seed data, one at Xero's real page size. */
export const CHAOS_TENANTS: ChaosTenant[] = [
  { name: "Chaos Trading (NZ)", invoices: 1500, contacts: 300, pageSize: 100 },
  { name: "Chaos Bulk (UK)", invoices: 1200, contacts: 150, sharedTimestamp: 500, pageSize: 100 },
  { name: "Chaos Wholesale (AU)", invoices: 2500, contacts: 400, pageSize: 1000 },
];

/** What a round is about; every SCENARIOS.length rounds each comes once, in a seeded order. */
export const SCENARIOS = [
  "429-minute",
  "429-concurrent",
  "500",
  "503",
  "drop",
  "truncated-200",
  "timeout",
  "token-expired",
  "token-revoked",
  "mutate-between-pages",
  "bulk-edit",
  "sigkill",
] as const;
export type Scenario = (typeof SCENARIOS)[number];

const TRANSIENT: FaultKind[] = ["429-minute", "429-concurrent", "500", "503", "drop", "truncated-200", "token-expired"];
/** Where a fault applies: any request of the tenant, or only one entity's. */
const PATHS = ["", "/Invoices", "/Contacts"] as const;

interface Batch {
  entity: "invoices" | "contacts";
  count: number;
  kinds?: string[];
}

export interface RoundPlan {
  round: number;
  tenant: number;
  scenario: Scenario;
  /** Simulated minutes to jump before the round (tokens expire, cursors settle). */
  clockJumpMin: number;
  /** Mutations before the sync, each batch one second after the previous one. */
  batches: Batch[];
  /** Simulated seconds between the mutations and the sync: 0 = right away, as a webhook's sync. */
  settleS: number;
  faults: FaultSpec[];
  /** Sync in a child process that SIGKILLs itself after this many committed pages. */
  killAfterPage?: number;
  full: boolean;
}

function shuffled<T>(r: Rng, items: readonly T[]): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

/** The round's plan, from the seed and the round number only. */
export function planRound(seed: number, round: number, tenants = CHAOS_TENANTS.length): RoundPlan {
  const cycle = Math.floor((round - 1) / SCENARIOS.length);
  const scenario = shuffled(rng(mix(seed, cycle, 0x5ce)), SCENARIOS)[(round - 1) % SCENARIOS.length]!;
  const r = rng(mix(seed, round, 0xc4a05));
  const tenant = int(r, 0, tenants - 1);
  const batches: Batch[] = [];
  const small = () => batches.push({ entity: r() < 0.7 ? "invoices" : "contacts", count: r() < 0.8 ? int(r, 1, 8) : int(r, 20, 60) });
  if (r() < 0.7) for (let n = int(r, 1, 4); n > 0; n--) small();
  const faults: FaultSpec[] = [];
  const fault = (kind: FaultKind, extra: Partial<FaultSpec> = {}) => {
    const path = pick(r, PATHS);
    faults.push({ kind, ...(path ? { path } : {}), ...extra });
  };
  let killAfterPage: number | undefined;
  switch (scenario) {
    case "429-minute":
    case "429-concurrent":
      fault(scenario, { count: int(r, 1, 3), retryAfterS: 1 });
      break;
    case "500":
    case "503":
    case "drop":
    case "truncated-200":
      // Mostly a blip the call layer retries; sometimes more in a row than it tries, so the sync
      // fails and the next one (the scheduler's retry) must pick up where it stopped.
      fault(scenario, { count: r() < 0.25 ? EXHAUST + int(r, 0, 1) : int(r, 1, 2) });
      break;
    case "timeout":
      fault("delay", { count: 1, delayMs: 2 * CHAOS_TIMEOUT_MS });
      break;
    case "token-expired":
    case "token-revoked":
      fault(scenario, { count: 1 });
      break;
    case "mutate-between-pages": {
      // Several pages to sync, and edits, voids, deletes, archives while they are served.
      for (let n = int(r, 2, 5); n > 0; n--) batches.push({ entity: r() < 0.75 ? "invoices" : "contacts", count: int(r, 20, 90) });
      const path = pick(r, ["/Invoices", "/Contacts"] as const);
      faults.push(
        path === "/Invoices"
          ? { kind: "mutate-between-pages", path, entity: "invoices", times: int(r, 1, 3), count: int(r, 3, 40), kinds: ["edit", "void", "delete", "pay", "authorise", "create"] }
          : { kind: "mutate-between-pages", path, entity: "contacts", times: int(r, 1, 2), count: int(r, 2, 20), kinds: ["edit", "archive", "unarchive", "create"] },
      );
      break;
    }
    case "bulk-edit":
      // With creates, so the pool of editable invoices (drafts, authorised) does not run dry.
      batches.push({ entity: "invoices", count: int(r, 150, 450), kinds: ["create", "edit", "pay", "void", "authorise"] });
      if (r() < 0.5) {
        faults.push({ kind: "mutate-between-pages", path: "/Invoices", entity: "invoices", times: int(r, 1, 2), count: int(r, 10, 120), kinds: ["edit", "void", "pay"] });
      }
      break;
    case "sigkill":
      for (let n = int(r, 2, 4); n > 0; n--) batches.push({ entity: "invoices", count: int(r, 40, 120) });
      batches.push({ entity: "contacts", count: int(r, 5, 30) });
      killAfterPage = int(r, 1, 2);
      break;
  }
  // Now and then a second, unrelated blip in the same round.
  if (scenario !== "token-revoked" && r() < 0.35) {
    const kind = pick(r, TRANSIENT);
    fault(kind, { count: kind.startsWith("429") ? 1 : int(r, 1, 2), ...(kind.startsWith("429") ? { retryAfterS: 1 } : {}) });
  }
  const clockJumpMin = r() < 0.25 ? int(r, 1, 20) : 0;
  const settleS = r() < 0.5 ? int(r, 10, 120) : 0;
  return { round, tenant, scenario, clockJumpMin, batches, settleS, faults, killAfterPage, full: r() < 0.04 };
}

export interface RoundRecord {
  round: number;
  tenant: string;
  scenario: Scenario;
  mutated: number;
  faults: string[];
  hit: string[];
  syncs: string[];
  recovered: boolean;
  converged: boolean;
  followUp: boolean;
  differences: number;
  ms: number;
}

export interface ChaosReport {
  seed: number;
  rounds: number;
  startedAt: string;
  seconds: number;
  tenants: { name: string; invoices: number; contacts: number; pageSize: number }[];
  scenarios: Record<string, number>;
  /** Faults posted, per kind (mutate-between-pages: one per fault, whatever its count). */
  faultsInjected: Record<string, number>;
  /** Requests that a fault actually hit (from the simulator's log; mutate-between-pages: pages that triggered an edit). */
  faultsHit: Record<string, number>;
  recordsMutated: number;
  /** Mutation batches of more than 100 records, all stamped with one UpdatedDateUTC. */
  bulkEdits: number;
  clockJumps: number;
  syncs: { total: number; inProcess: number; child: number; success: number; failed: number; killed: number; followUps: number };
  kills: { planned: number; hit: number };
  reconnects: number;
  /** Rounds whose first sync did not succeed but whose retries converged. */
  recoveries: number;
  /** Rounds that did not reach a successful sync within MAX_ATTEMPTS. */
  unrecovered: number;
  /** Rounds after which the database differed from the simulator. */
  mismatches: number;
  /** Records in the simulator missing from the database after a round (summed over rounds). */
  lostRecords: number;
  /** Records present but different (older or wrong fields) after a round, and rows Xero does not have. */
  staleRecords: number;
  extraRecords: number;
  final: { invoices: number; contacts: number; differences: number };
  failures: { round: number; plan: RoundPlan; differences: RecordDifference[] }[];
  perRound: RoundRecord[];
}

export interface ChaosOptions {
  rounds: number;
  seed: number;
  tenants?: ChaosTenant[];
  log?: (line: string) => void;
}

interface LogEntry {
  seq: number;
  path: string;
  query: Record<string, string>;
  tenantId: string | null;
  status: number;
  timestamp: string;
  kind: string;
  fault?: string;
}

interface ActiveFault extends FaultSpec {
  id: number;
  remaining: number;
  hits: number;
}

const bump = (m: Record<string, number>, k: string, n = 1) => {
  m[k] = (m[k] ?? 0) + n;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A list page the simulator served (the only responses a mutate-between-pages fault follows). */
const listed = (e: LogEntry, entity: "invoices" | "contacts") =>
  e.kind === "api" && e.status === 200 && (e.fault === undefined || e.fault === "delay") && e.path.toLowerCase() === `/api.xro/2.0/${entity}`;

/** Runs `options.rounds` rounds on a fresh simulator and PostgreSQL database (TEST_DATABASE_URL) and reports. */
export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const { seed, rounds } = options;
  const specs = options.tenants ?? CHAOS_TENANTS;
  const log = options.log ?? (() => {});
  const t0 = Date.now();
  const sim = await startSimulator({ port: 0, seed, limits: false, tenants: specs, demoRedirectUris: [SIM_REDIRECT_URI] });
  pointEnvAtSimulator(sim.url);
  let db: TestDatabase | undefined;
  try {
    db = await createTestDatabase();
    if (!db.url) throw new Error("the chaos run needs PostgreSQL (TEST_DB=postgres, TEST_DATABASE_URL): its SIGKILL rounds sync in a second process");
    const user = await connectSimUser(db.db, sim);
    return await new ChaosRun(sim, db, user, specs, seed, log).run(rounds, t0);
  } finally {
    await db?.close();
    await sim.close();
    resetLimiters();
  }
}

class ChaosRun {
  private readonly report: ChaosReport;
  private readonly ctl: <T = unknown>(method: string, p: string, body?: unknown) => Promise<T>;

  constructor(
    private readonly sim: RunningSimulator,
    private readonly db: TestDatabase,
    private readonly user: SimConnectedUser,
    private readonly specs: ChaosTenant[],
    private readonly seed: number,
    private readonly log: (line: string) => void,
  ) {
    // The control endpoints answer only with the simulator's control token.
    this.ctl = <T>(method: string, p: string, body?: unknown): Promise<T> => simControl<T>(sim, method, p, body);
    this.report = {
      seed,
      rounds: 0,
      startedAt: new Date().toISOString(),
      seconds: 0,
      tenants: specs.map((s) => ({ name: s.name, invoices: s.invoices ?? 0, contacts: s.contacts ?? 0, pageSize: s.pageSize })),
      scenarios: {},
      faultsInjected: {},
      faultsHit: {},
      recordsMutated: 0,
      bulkEdits: 0,
      clockJumps: 0,
      syncs: { total: 0, inProcess: 0, child: 0, success: 0, failed: 0, killed: 0, followUps: 0 },
      kills: { planned: 0, hit: 0 },
      reconnects: 0,
      recoveries: 0,
      unrecovered: 0,
      mismatches: 0,
      lostRecords: 0,
      staleRecords: 0,
      extraRecords: 0,
      final: { invoices: 0, contacts: 0, differences: 0 },
      failures: [],
      perRound: [],
    };
  }

  async run(rounds: number, t0: number): Promise<ChaosReport> {
    for (let round = 1; round <= rounds; round++) await this.round(planRound(this.seed, round, this.specs.length));
    // Every organisation, once more, at the end.
    let differences = 0;
    for (const t of this.user.tenants) {
      const views = await mirrorViews(this.db.db, this.sim, t);
      differences += mirrorDifferences(views).length;
      this.report.final.invoices += views.invoices.want.length;
      this.report.final.contacts += views.contacts.want.length;
    }
    this.report.final.differences = differences;
    this.report.seconds = Math.round((Date.now() - t0) / 100) / 10;
    return this.report;
  }

  private async lastSeq(): Promise<number> {
    return (await this.ctl<{ lastSeq: number }>("GET", "/__sim/log?since=999999999999")).lastSeq;
  }

  private async round(plan: RoundPlan): Promise<void> {
    const started = Date.now();
    const rep = this.report;
    const tenant = this.user.tenants[plan.tenant]!;
    const spec = this.specs[plan.tenant]!;
    const x = tenant.xeroTenantId;
    rep.rounds++;
    bump(rep.scenarios, plan.scenario);
    const since = await this.lastSeq();

    // 1. The world changes.
    if (plan.clockJumpMin) {
      rep.clockJumps++;
      await this.ctl("POST", "/__sim/clock", { advanceMs: plan.clockJumpMin * 60_000 });
    }
    let mutated = 0;
    for (const b of plan.batches) {
      await this.ctl("POST", "/__sim/clock", { advanceMs: 1000 });
      const { changes } = await this.ctl<{ changes: unknown[] }>("POST", "/__sim/mutate", { tenantId: x, ...b });
      mutated += changes.length;
      if (changes.length > 100) rep.bulkEdits++;
    }
    rep.recordsMutated += mutated;
    if (plan.settleS) await this.ctl("POST", "/__sim/clock", { advanceMs: plan.settleS * 1000 });

    // 2. Faults, before the sync starts.
    const added = plan.faults.length
      ? (await this.ctl<{ added: ActiveFault[] }>("POST", "/__sim/faults", { faults: plan.faults.map((f) => ({ ...f, tenantId: x })) })).added
      : [];
    for (const f of plan.faults) bump(rep.faultsInjected, f.kind);

    // 3–4. The sync and its retries.
    const syncs: string[] = [];
    let converged = false;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS && !converged; attempt++) {
      const outcome = attempt === 1 && plan.killAfterPage ? await this.childSync(tenant.id, spec, plan) : await this.inProcessSync(tenant.id, spec, plan.full && attempt === 1);
      syncs.push(outcome);
      if (outcome === "success") converged = true;
      else await this.prepareRetry(tenant.id, outcome);
    }
    if (plan.killAfterPage) rep.kills.planned++;
    if (syncs[0] === "killed") rep.kills.hit++;
    const recovered = converged && syncs[0] !== "success";
    if (recovered) rep.recoveries++;
    if (!converged) rep.unrecovered++;

    // Requests held by a delay fault are still being served after the client gave up on them;
    // wait until the simulator has answered them (and applied any edit they trigger).
    const delayed = await this.faultHits(added, "delay");
    let entries = await this.entries(since, x);
    for (let waited = 0; entries.filter((e) => e.fault === "delay").length < delayed && waited < 20_000; waited += 50) {
      await sleep(50);
      entries = await this.entries(since, x);
    }
    const active = await this.ctl<ActiveFault[]>("GET", "/__sim/faults");
    await this.ctl("DELETE", "/__sim/faults");
    const hit: string[] = entries.filter((e) => e.fault).map((e) => e.fault!);
    for (const k of hit) bump(rep.faultsHit, k);

    // 5. Edits that landed after the last page the sync read: the mirror cannot have them yet.
    let lateSince: number | null = null;
    for (const f of added.filter((a) => a.kind === "mutate-between-pages")) {
      const now = active.find((a) => a.id === f.id);
      const hits = now ? now.hits : f.remaining;
      if (hits === 0) continue;
      bump(rep.faultsHit, "mutate-between-pages", hits);
      hit.push(...Array<string>(hits).fill("mutate-between-pages"));
      const entity = (f.entity ?? "invoices") as "invoices" | "contacts"; // the chaos run only schedules these two
      const pages = entries.filter((e) => listed(e, entity) && Number(e.query.page ?? e.query.Page ?? 1) >= (f.afterPage ?? 1));
      const trigger = pages[hits - 1];
      const last = entries.filter((e) => listed(e, entity)).at(-1);
      if (trigger && last && trigger.seq === last.seq) {
        const at = Date.parse(trigger.timestamp);
        lateSince = lateSince === null ? at : Math.min(lateSince, at);
      }
    }
    let followUp = false;
    let differences: RecordDifference[] = [];
    if (lateSince !== null && converged) {
      // Only records stamped at or after that page may differ; then the follow-up must fix them.
      const early = mirrorDifferences(await mirrorViews(this.db.db, this.sim, tenant)).filter(
        (d) => Date.parse(String((d.want ?? d.got)?.updatedDateUtc)) < lateSince!,
      );
      differences.push(...early);
      followUp = true;
      rep.syncs.followUps++;
      const outcome = await this.inProcessSync(tenant.id, spec, false);
      syncs.push(`follow-up:${outcome}`);
    }

    // 6. The database must equal the simulator.
    differences.push(...mirrorDifferences(await mirrorViews(this.db.db, this.sim, tenant)));
    differences = [...new Map(differences.map((d) => [`${d.entity}:${d.id}`, d])).values()];
    if (differences.length) {
      rep.mismatches++;
      rep.failures.push({ round: plan.round, plan, differences: differences.slice(0, 20) });
      for (const d of differences) {
        if (d.kind === "missing") rep.lostRecords++;
        else if (d.kind === "stale") rep.staleRecords++;
        else rep.extraRecords++;
      }
    }
    const record: RoundRecord = {
      round: plan.round,
      tenant: spec.name,
      scenario: plan.scenario,
      mutated,
      faults: plan.faults.map((f) => f.kind + (f.count && f.kind !== "mutate-between-pages" ? `×${f.count}` : "")),
      hit,
      syncs,
      recovered,
      converged,
      followUp,
      differences: differences.length,
      ms: Date.now() - started,
    };
    rep.perRound.push(record);
    this.log(
      `round ${plan.round} ${plan.scenario} on ${spec.name}: mutated ${mutated}, faults [${record.faults.join(" ")}], hit ${hit.length}, syncs ${syncs.join(",")}${differences.length ? `, ${differences.length} DIFFERENCES` : ""} (${record.ms} ms)`,
    );
  }

  private async entries(since: number, xeroTenantId: string): Promise<LogEntry[]> {
    return (await this.ctl<{ entries: LogEntry[] }>("GET", `/__sim/log?since=${since}&tenantId=${xeroTenantId}`)).entries;
  }

  /** Requests a round's faults of `kind` have hit so far (a fault leaves the list once used up). */
  private async faultHits(added: ActiveFault[], kind: FaultKind): Promise<number> {
    const mine = added.filter((f) => f.kind === kind);
    if (!mine.length) return 0;
    const active = await this.ctl<ActiveFault[]>("GET", "/__sim/faults");
    return mine.reduce((n, f) => n + (active.find((a) => a.id === f.id)?.hits ?? f.remaining), 0);
  }

  private async inProcessSync(tenantId: string, spec: ChaosTenant, full: boolean): Promise<string> {
    this.report.syncs.total++;
    this.report.syncs.inProcess++;
    const r = await syncTenant(this.db.db, { tenantId, trigger: "cli", pageSize: spec.pageSize, full, callOptions: CALL_OPTIONS });
    if (r.status === "error") this.log(`sync error: ${r.entities.map((e) => `${e.entity} ${e.outcome}${e.error ? ` (${e.error})` : ""}`).join(", ")}`);
    return this.count(r.status === "skipped" ? `skipped-${r.reason}` : r.status);
  }

  /** The round's sync in a second process, which SIGKILLs itself after its k-th committed page. */
  private async childSync(tenantId: string, spec: ChaosTenant, plan: RoundPlan): Promise<string> {
    this.report.syncs.total++;
    this.report.syncs.child++;
    const options: ChildSyncOptions = { pageSize: spec.pageSize, full: plan.full, callOptions: CALL_OPTIONS, killAfterPage: plan.killAfterPage };
    const script = path.join(import.meta.dirname, "../helpers/child-sync.ts");
    // node --import tsx directly (not npx), so the signal is the syncing process's own.
    const child = spawn(process.execPath, ["--import", "tsx", script, tenantId, String(CHILD_LEASE_TTL_MS), JSON.stringify(options)], {
      cwd: process.cwd(),
      env: { ...process.env, DATABASE_URL: this.db.url },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const exit = await new Promise<NodeJS.Signals | number | null>((resolve) => child.on("exit", (code, signal) => resolve(signal ?? code)));
    if (exit === "SIGKILL") {
      this.report.syncs.killed++;
      return "killed";
    }
    const done = /^DONE (.*)$/m.exec(out)?.[1];
    if (exit !== 0 || !done) {
      this.log(`child sync exited ${String(exit)}: ${err.slice(0, 500)}`);
      return this.count("crashed");
    }
    return this.count((JSON.parse(done) as { status: string }).status);
  }

  private count(outcome: string): string {
    if (outcome === "success") this.report.syncs.success++;
    else this.report.syncs.failed++;
    return outcome;
  }

  /** What the scheduler (or the user) does before the next try. */
  private async prepareRetry(tenantId: string, outcome: string): Promise<void> {
    const [row] = await this.db.db
      .select({ lockExpiresAt: xeroTenants.syncLockExpiresAt, lockOwner: xeroTenants.syncLockOwner, connectionStatus: xeroConnections.status, tenantStatus: xeroTenants.status })
      .from(xeroTenants)
      .innerJoin(xeroConnections, eq(xeroConnections.id, xeroTenants.connectionId))
      .where(eq(xeroTenants.id, tenantId));
    if (row && (row.connectionStatus !== "active" || row.tenantStatus === "needs_reconnect")) {
      await this.reconnect();
      return;
    }
    if ((outcome === "killed" || outcome === "already_running") && row?.lockOwner && row.lockExpiresAt) {
      // The dead process's lease: the next sync may take over once it has expired.
      await sleep(Math.max(0, row.lockExpiresAt.getTime() - Date.now()) + 50);
    }
  }

  /** The user presses Connect Xero again and consents (the simulator's auto-consent), through the app's flow. */
  private async reconnect(): Promise<void> {
    const { url } = await startXeroConnect(this.db.db, this.user.userId);
    const authorize = new URL(url);
    authorize.searchParams.set("sim_auto", "1");
    const res = await fetch(authorize, { redirect: "manual" });
    const location = res.headers.get("location");
    if (res.status !== 302 || !location) throw new Error(`authorize answered ${res.status}: ${await res.text()}`);
    await completeXeroConnect(this.db.db, this.user.userId, Object.fromEntries(new URL(location).searchParams));
    this.report.reconnects++;
  }
}
