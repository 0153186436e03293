/**
 * One sync in its own process, for the memory benchmark: syncs the invoices of <tenantId> into
 * DATABASE_URL from the simulator in XERO_API_URL, sampling RSS and heap every 20 ms, and prints
 * one JSON line {peakRssMb, peakHeapMb, baselineRssMb, rows, seconds}.
 */
import { openDatabase } from "@/lib/db/client";
import { syncTenant } from "@/lib/sync";

const tenantId = process.argv[2]!;
const mb = (n: number) => Math.round((n / 1048576) * 10) / 10;
const handle = await openDatabase({ url: process.env.DATABASE_URL, migrate: false, max: 10 });
const baseline = process.memoryUsage();
let peakRss = baseline.rss;
let peakHeap = baseline.heapUsed;
const sample = () => {
  const m = process.memoryUsage();
  if (m.rss > peakRss) peakRss = m.rss;
  if (m.heapUsed > peakHeap) peakHeap = m.heapUsed;
};
const timer = setInterval(sample, 20);
const t0 = performance.now();
// The simulator's limits are off in the memory scenario: lift the client-side 60/minute pacing too.
const callOptions = process.env.BENCH_UNPACED ? { pacing: false } : undefined;
const result = await syncTenant(handle.db, { tenantId, trigger: "cli", entities: ["invoices"], onProgress: sample, callOptions });
const seconds = (performance.now() - t0) / 1000;
clearInterval(timer);
sample();
const rows = result.status === "success" ? result.entities[0]!.inserted : -1;
process.stdout.write(`${JSON.stringify({ status: result.status, rows, seconds, peakRssMb: mb(peakRss), peakHeapMb: mb(peakHeap), baselineRssMb: mb(baseline.rss) })}\n`);
await handle.close();
