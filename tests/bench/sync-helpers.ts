/**
 * Shared pieces of the sync benchmark (tests/bench/sync.ts) and its child processes: pointing the
 * environment at the simulator, fresh migrated PostgreSQL databases, a connected user. No vitest.
 */
import { simControl, type SimEndpoint } from "@/tests/helpers/sim-control";
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import postgres from "postgres";
import { openDatabase, type DatabaseHandle } from "@/lib/db/client";
import { connectSimUser, pointEnvAtSimulator as pointEnvAt, SIM_REDIRECT_URI, type SimConnectedUser } from "../helpers/sim-connect";

export const BENCH_REDIRECT_URI = SIM_REDIRECT_URI;

export function pointEnvAtSimulator(simUrl: string): void {
  pointEnvAt(simUrl, { XERO_TIMEOUT_MS: "60000" });
}

export async function startSimChild(): Promise<SimEndpoint & { child: ChildProcess; ctl: <T>(method: string, p: string, body?: unknown) => Promise<T> }> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, "sync-sim-child.ts")], { stdio: ["ignore", "pipe", "inherit"] });
  const endpoint = await new Promise<SimEndpoint>((resolve, reject) => {
    let buf = "";
    child.stdout!.on("data", (d: Buffer) => {
      buf += d.toString();
      const line = buf.split("\n")[0];
      if (buf.includes("\n") && line) resolve(JSON.parse(line) as SimEndpoint);
    });
    child.on("exit", (code) => reject(new Error(`simulator exited (${code})`)));
  });
  const ctl = <T>(method: string, p: string, body?: unknown): Promise<T> => simControl<T>(endpoint, method, p, body);
  return { ...endpoint, child, ctl };
}

/** A new database on the server of `adminUrl`, migrated. */
export async function freshDatabase(adminUrl: string, label: string): Promise<DatabaseHandle & { url: string }> {
  const name = `bench_${label}_${randomBytes(3).toString("hex")}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  const handle = await openDatabase({ url: u.toString(), max: 10 });
  return { ...handle, url: u.toString() };
}

/**
 * Runs the simulator's consent flow (auto-consent) and stores a user, its grant and its tenants.
 * `scopes`: what the grant asks for (default: the sync tests' set).
 */
export function connectBenchUser(handle: DatabaseHandle, sim: SimEndpoint, scopes?: readonly string[]): Promise<SimConnectedUser> {
  return connectSimUser(handle.db, sim, `bench-${randomBytes(4).toString("hex")}@example.com`, scopes);
}

export interface SyncChildResult {
  status: string;
  rows: number;
  seconds: number;
  peakRssMb: number;
  peakHeapMb: number;
  baselineRssMb: number;
}

/** One invoices sync of `tenantId` into `dbUrl` in its own process (sync-child.ts): its peak memory. */
export function runSyncChild(dbUrl: string, tenantId: string): Promise<SyncChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, "sync-child.ts"), tenantId], {
      env: { ...process.env, DATABASE_URL: dbUrl, BENCH_UNPACED: "1" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out.trim().split("\n").at(-1)!) as SyncChildResult) : reject(new Error(`sync child exited ${code}: ${out}`))));
  });
}
