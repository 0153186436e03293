/**
 * Benchmark: how long the simulator takes to generate one organisation with 100,000 invoices and
 * every other entity in proportion (what POST /__sim/reset does per tenant).
 * Run: `npx tsx tests/bench/simulator-seed.ts [invoices]`.
 */
import { generateTenant, type TenantSpec } from "../../lib/xero-simulator/data";
import { ENTITIES, seedEntities } from "../../lib/xero-simulator/entities/registry";

const INVOICES = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 100_000);
const anchor = Date.UTC(2026, 11, 1);
const spec: TenantSpec = { name: "Bench Co (UK)", invoices: INVOICES, contacts: Math.ceil(INVOICES / 20) };
for (let run = 1; run <= 4; run++) {
  const t0 = performance.now();
  const t = generateTenant(42, spec, 0, anchor);
  const t1 = performance.now();
  const each: string[] = [];
  for (const e of ENTITIES) {
    const s0 = performance.now();
    seedEntities(t, spec, anchor, [e]);
    each.push(`${e.name} ${t.records[e.name]?.list.length} in ${(performance.now() - s0).toFixed(0)} ms`);
  }
  const t2 = performance.now();
  console.log(`run ${run}: ${(t2 - t0).toFixed(0)} ms (invoices + contacts ${(t1 - t0).toFixed(0)} ms; ${each.join(", ")})`);
}
