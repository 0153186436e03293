/**
 * The syncs this process runs in the background (Sync now, webhooks, the first syncs after
 * Connect Xero), and their shutdown.
 *
 * - At most SYNC_MAX_CONCURRENT run at once. Further requests wait in a queue, one place per
 *   organisation (a second request for a waiting organisation joins it), and start as running
 *   ones end; past MAX_QUEUED the request is refused, with a message saying so.
 * - Every sync of the process, the scheduler's included, gets the process's stop signal. On
 *   SIGTERM, drainSyncs stops starting syncs (the queue is dropped: the next start's schedule picks
 *   those organisations up), lets running ones finish within the grace period, then aborts the
 *   signal: each stops at its next page boundary with every page so far committed (the cursor
 *   covers them), its session marked interrupted and its lease released.
 * The state lives on globalThis: Next may load this module once per route bundle.
 */
import { getEnv } from "@/lib/env";
import { logServerError } from "@/lib/log";

/** Waiting requests a process keeps; more are refused (they would wait for many minutes anyway). */
export const MAX_QUEUED = 100;

export interface BackgroundJob {
  /** One place in the queue per key (an organisation, or a connection's first syncs). */
  key: string;
  /** Organisations the job syncs, shown as "queued" until it starts each of them. */
  tenantIds: string[];
  /** The work; call `starting(tenantId)` as each organisation's sync begins. */
  run: (signal: AbortSignal, starting: (tenantId: string) => void) => Promise<unknown>;
}

export type Admission = "started" | "queued" | "busy" | "shutting_down";

interface PoolState {
  active: number;
  queue: BackgroundJob[];
  waiting: Map<string, number>;
  running: Set<Promise<unknown>>;
  draining: boolean;
  stop: AbortController;
}

const g = globalThis as unknown as { __xeroSyncPool?: PoolState };
const fresh = (): PoolState => ({ active: 0, queue: [], waiting: new Map(), running: new Set(), draining: false, stop: new AbortController() });
const pool = (): PoolState => (g.__xeroSyncPool ??= fresh());

const limit = () => getEnv().SYNC_MAX_CONCURRENT;

/** Aborted when a drain's grace period is over: syncs stop at their next page boundary. */
export function syncStopSignal(): AbortSignal {
  return pool().stop.signal;
}

/** True once the process started shutting down: no new syncs. */
export function isDraining(): boolean {
  return pool().draining;
}

/**
 * Organisations waiting for their turn in this process (queued, or later in a first-sync chain),
 * until their sync holds its lease. Read it before the tenants' lease columns: an organisation
 * that starts in between then shows as queued, never as neither.
 */
export function waitingTenantIds(): Set<string> {
  return new Set(pool().waiting.keys());
}

/** Running background syncs and waiting requests, for status pages and tests. */
export function poolSize(): { active: number; queued: number; limit: number } {
  const s = pool();
  return { active: s.active, queued: s.queue.length, limit: limit() };
}

/** Takes a slot now if one is free; the caller must call the returned release exactly once. */
export function reserveSlot(): (() => void) | null {
  const s = pool();
  if (s.draining || s.active >= limit()) return null;
  s.active++;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    s.active--;
    startQueued();
  };
}

/** Keeps `p` (a sync holding a slot, or a scheduler tick) in what a drain waits for. */
export function track<T>(p: Promise<T>): Promise<T> {
  const s = pool();
  s.running.add(p);
  void p.then(
    () => s.running.delete(p),
    () => s.running.delete(p),
  );
  return p;
}

/** Runs `job` now if a slot is free, else queues it (once per key); refused when full or shutting down. */
export function submit(job: BackgroundJob): Admission {
  const s = pool();
  if (s.draining) return "shutting_down";
  const release = reserveSlot();
  if (release) {
    launch(job, release);
    return "started";
  }
  if (s.queue.some((q) => q.key === job.key)) return "queued";
  if (s.queue.length >= MAX_QUEUED) return "busy";
  s.queue.push(job);
  for (const id of job.tenantIds) s.waiting.set(id, (s.waiting.get(id) ?? 0) + 1);
  return "queued";
}

function launch(job: BackgroundJob, release: () => void, queued = false): void {
  const s = pool();
  if (!queued) for (const id of job.tenantIds) s.waiting.set(id, (s.waiting.get(id) ?? 0) + 1);
  const pendingIds = new Set(job.tenantIds);
  const starting = (tenantId: string) => {
    if (!pendingIds.delete(tenantId)) return;
    unwait(tenantId);
  };
  const p = Promise.resolve()
    .then(() => job.run(s.stop.signal, starting))
    .catch((error: unknown) => logServerError(`sync background ${job.key}`, error))
    .finally(() => {
      for (const id of pendingIds) unwait(id);
      release();
    });
  track(p);
}

function unwait(tenantId: string): void {
  const s = pool();
  const n = (s.waiting.get(tenantId) ?? 0) - 1;
  if (n > 0) s.waiting.set(tenantId, n);
  else s.waiting.delete(tenantId);
}

function startQueued(): void {
  const s = pool();
  while (!s.draining && s.queue.length) {
    const release = reserveSlot();
    if (!release) return;
    launch(s.queue.shift()!, release, true);
  }
}

/** Resolves when every background sync and queued request of this process has finished. */
export async function waitForBackgroundSyncs(): Promise<void> {
  const s = pool();
  while (s.running.size) await Promise.allSettled([...s.running]);
}

/**
 * Shutdown: no new syncs; running ones get `graceMs` to finish, then are stopped at their next
 * page boundary (resumable). Resolves when all of them have ended. Returns how many requests
 * were dropped from the queue and whether running syncs had to be stopped.
 */
export async function drainSyncs(graceMs: number): Promise<{ dropped: number; stopped: boolean }> {
  const s = pool();
  s.draining = true;
  const dropped = s.queue.splice(0);
  for (const job of dropped) for (const id of job.tenantIds) unwait(id);
  const allDone = async () => {
    while (s.running.size) await Promise.allSettled([...s.running]);
  };
  let stopped = false;
  if (s.running.size) {
    let timer: NodeJS.Timeout | undefined;
    const graceOver = graceMs > 0 ? new Promise<"grace">((r) => (timer = setTimeout(() => r("grace"), graceMs))) : Promise.resolve("grace" as const);
    const first = await Promise.race([allDone().then(() => "done" as const), graceOver]);
    clearTimeout(timer);
    if (first === "grace" && s.running.size) {
      stopped = true;
      s.stop.abort();
      await allDone();
    }
  }
  return { dropped: dropped.length, stopped };
}

/** Opens the process for syncs again after a drain (tests; a real process exits after draining). */
export function reopenSyncs(): void {
  const s = pool();
  s.draining = false;
  if (s.stop.signal.aborted) s.stop = new AbortController();
}

/**
 * On SIGTERM / SIGINT: stop the scheduler, drain the syncs (drainSyncs) and exit. Installed by the
 * server at start-up (instrumentation.ts); here rather than there because instrumentation.ts is
 * also compiled for the Edge runtime, which has no process.exit.
 */
export function drainOnSignals(graceMs: number, stopScheduler: () => void): void {
  let exiting = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (exiting) return;
    exiting = true;
    stopScheduler();
    void drainSyncs(graceMs)
      .then(({ dropped, stopped }) => console.log(`Syncs drained (${stopped ? "running syncs stopped at a page boundary" : "all finished"}; ${dropped} queued left for the schedule)`))
      .catch((error: unknown) => console.error("sync drain failed", error))
      .finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
  };
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);
}
