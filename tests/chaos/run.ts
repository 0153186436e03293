/**
 * `npm run chaos [-- --rounds 200 --seed 1 --out tests/chaos/results/chaos.json]`: the chaos run
 * (tests/chaos/chaos.ts) on a throwaway PostgreSQL (or TEST_DATABASE_URL), printing one line per
 * round and writing the figures to the JSON file. Exit code 1 when a round left the database
 * different from the simulator, lost a record or did not recover.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { startPostgresServer, type PostgresServer } from "../helpers/postgres-server";
import { runChaos } from "./chaos";

function flag(name: string, fallback: string): string {
  const args = process.argv.slice(2);
  const i = args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i < 0) return fallback;
  const a = args[i]!;
  return a.includes("=") ? a.slice(a.indexOf("=") + 1) : (args[i + 1] ?? fallback);
}

function positiveInt(name: string, fallback: number): number {
  const v = Number(flag(name, String(fallback)));
  if (!Number.isInteger(v) || v < 0) throw new Error(`--${name} must be a whole number, got ${flag(name, "")}`);
  return v;
}

const rounds = positiveInt("rounds", 200);
const seed = positiveInt("seed", 1);
const out = path.resolve(flag("out", path.join(import.meta.dirname, "results", "chaos.json")));

let pg: PostgresServer | undefined;
if (!process.env.TEST_DATABASE_URL) {
  pg = await startPostgresServer();
  process.env.TEST_DATABASE_URL = pg.url;
}
process.env.TEST_DB = "postgres";
try {
  console.log(`[chaos] ${rounds} rounds, seed ${seed}`);
  const report = await runChaos({ rounds, seed, log: (line) => console.log(`[chaos] ${line}`) });
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  const { syncs } = report;
  console.log(
    [
      `[chaos] ${report.rounds} rounds in ${report.seconds} s (seed ${seed}): ${syncs.total} syncs (${syncs.child} in a child process, ${syncs.killed} SIGKILLed, ${syncs.followUps} follow-ups)`,
      `[chaos] faults injected ${JSON.stringify(report.faultsInjected)}`,
      `[chaos] faults hit      ${JSON.stringify(report.faultsHit)}`,
      `[chaos] ${report.recordsMutated} records mutated (${report.bulkEdits} bulk edits), ${report.reconnects} reconnects, ${report.recoveries} recoveries, ${report.unrecovered} unrecovered`,
      `[chaos] mismatches ${report.mismatches}, lost records ${report.lostRecords}, stale ${report.staleRecords}, extra ${report.extraRecords}; final: ${report.final.invoices} invoices, ${report.final.contacts} contacts, ${report.final.differences} differences`,
      `[chaos] results: ${path.relative(process.cwd(), out)}`,
    ].join("\n"),
  );
  process.exitCode = report.mismatches || report.lostRecords || report.unrecovered || report.final.differences ? 1 : 0;
} finally {
  pg?.stop();
}
