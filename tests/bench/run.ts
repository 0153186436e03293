/**
 * `npm run bench [-- --only=sync,pages] [-- --rate]`: runs every benchmark script in tests/bench/
 * (each `*.ts` here except this runner and `*-child.ts` / `*-helpers.ts` support files), one after
 * another so they do not disturb each other's timings, passing the other flags through (e.g.
 * --rate for the sync benchmark's 5-minute minute-limit run). Each script writes
 * tests/bench/results/<name>.json; this runner then writes tests/bench/results/SUMMARY.md with
 * every target and whether it passed. Exit code 1 if a script failed or a target was missed.
 */
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const dir = import.meta.dirname;
const resultsDir = path.join(dir, "results");
const only = process.argv.find((a) => a.startsWith("--only="))?.slice(7).split(",");
const passThrough = process.argv.slice(2).filter((a) => !a.startsWith("--only="));

const scripts = readdirSync(dir)
  .filter((f) => f.endsWith(".ts") && f !== "run.ts" && !/-(child|helpers)\.ts$/.test(f))
  .map((f) => f.replace(/\.ts$/, ""))
  .filter((name) => !only || only.includes(name))
  .sort();

function run(name: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(dir, `${name}.ts`), ...passThrough], { stdio: "inherit", cwd: process.cwd() });
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

/** Every {target, pass} found in a result (any depth), with the path that leads to it. */
function targets(value: unknown, at: string[] = []): { path: string; target: string; pass: boolean; ratio?: unknown }[] {
  if (!value || typeof value !== "object") return [];
  const v = value as Record<string, unknown>;
  const here = typeof v.pass === "boolean" ? [{ path: at.join(".") || "(top)", target: String(v.target ?? ""), pass: v.pass, ratio: v.ratio ?? v.rssRatio }] : [];
  return [...here, ...Object.entries(v).flatMap(([k, child]) => (k === "pass" ? [] : targets(child, [...at, k])))];
}

const outcomes: { name: string; code: number; seconds: number }[] = [];
for (const name of scripts) {
  console.log(`\n▶ bench: ${name}`);
  const t0 = Date.now();
  const code = await run(name);
  outcomes.push({ name, code, seconds: (Date.now() - t0) / 1000 });
}

const lines = ["# Benchmark results", "", `Run ${new Date().toISOString()} (flags: ${passThrough.join(" ") || "none"}).`, ""];
let missed = 0;
for (const o of outcomes) {
  const file = path.join(resultsDir, `${o.name}.json`);
  lines.push(`## ${o.name} — ${o.code === 0 ? "ran" : `FAILED (exit ${o.code})`} in ${o.seconds.toFixed(0)} s`, "");
  if (!existsSync(file)) {
    lines.push("No results file.", "");
    continue;
  }
  const found = targets(JSON.parse(readFileSync(file, "utf8")));
  if (found.length === 0) lines.push(`See results/${o.name}.json.`, "");
  for (const t of found) {
    if (!t.pass) missed++;
    lines.push(`- ${t.pass ? "✔" : "✖"} \`${t.path}\`: ${t.target}${t.ratio !== undefined ? ` (measured ${String(t.ratio)})` : ""}`);
  }
  lines.push("");
}
writeFileSync(path.join(resultsDir, "SUMMARY.md"), `${lines.join("\n")}\n`);
console.log(`\n${lines.join("\n")}`);
process.exit(outcomes.some((o) => o.code !== 0) || missed ? 1 : 0);
