/**
 * `npm test`: everything, in order, on real components.
 *   1. typecheck (tsc)            2. lint (eslint)
 *   3. unit + simulator (vitest)  4. integration on PGlite   5. integration on PostgreSQL
 *   6. production build + e2e in Chromium (Playwright)
 * PostgreSQL: TEST_DATABASE_URL if given, else a throwaway cluster started here. Missing PostgreSQL
 * or Chromium is installed with apt-get when we are root (saying so), otherwise the run stops with
 * the exact command to run. Nothing is skipped silently. Ends with one summary line
 * "tests: N passed, N failed".
 *
 * Flags: --only=<step,...> (typecheck,lint,unit,pglite,postgres,e2e) to run a subset.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { APT_INSTALL, MissingToolError, findPostgresBin, freePort, startPostgresServer, type PostgresServer } from "./helpers/postgres-server";

const root = path.resolve(import.meta.dirname, "..");
const outDir = path.join(root, "tests", ".output");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

type Step = { name: string; passed: number; failed: number; ok: boolean; seconds: number; note?: string };
const steps: Step[] = [];
const only = process.argv.find((a) => a.startsWith("--only="))?.slice(7).split(",");
const wants = (name: string) => !only || only.includes(name);

function log(msg: string) {
  console.log(`\n\x1b[1m▶ ${msg}\x1b[0m`);
}

function run(cmd: string, args: string[], env: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: "inherit", env: { ...process.env, ...env } });
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

async function timed(name: string, fn: () => Promise<Omit<Step, "name" | "seconds">>) {
  log(name);
  const t0 = Date.now();
  let result: Omit<Step, "name" | "seconds">;
  try {
    result = await fn();
  } catch (error) {
    console.error(`✖ ${name}: ${error instanceof Error ? error.message : String(error)}`);
    result = { passed: 0, failed: 1, ok: false };
  }
  steps.push({ name, seconds: (Date.now() - t0) / 1000, ...result });
}

/** Counts from vitest's JSON report. */
function vitestCounts(file: string): { passed: number; failed: number; skipped: number; failedSuites: number } {
  if (!existsSync(file)) return { passed: 0, failed: 1, skipped: 0, failedSuites: 0 };
  const r = JSON.parse(readFileSync(file, "utf8")) as {
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    numTodoTests: number;
    numFailedTestSuites: number;
  };
  return { passed: r.numPassedTests, failed: r.numFailedTests, skipped: r.numPendingTests + r.numTodoTests, failedSuites: r.numFailedTestSuites };
}

async function vitest(projects: string[], tag: string, env: Record<string, string> = {}) {
  const file = path.join(outDir, `vitest-${tag}.json`);
  rmSync(file, { force: true });
  const args = ["vitest", "run", ...projects.flatMap((p) => ["--project", p]), "--reporter=default", "--reporter=json", `--outputFile.json=${file}`];
  const code = await run("npx", args, env);
  const { passed, failed, skipped, failedSuites } = vitestCounts(file);
  if (passed + failed === 0) return { passed, failed: 1, ok: false, note: "ran no test" };
  // A file that fails to load or whose setup throws fails no test of its own: count it.
  const failedTotal = failed + (failed === 0 && (code !== 0 || failedSuites > 0) ? Math.max(1, failedSuites) : 0);
  const notes = [skipped ? `${skipped} skipped` : "", failedSuites ? `${failedSuites} suite(s) failed (files and describe blocks)` : ""].filter(Boolean).join(", ");
  return { passed, failed: failedTotal, ok: code === 0 && failedTotal === 0, ...(notes ? { note: notes } : {}) };
}

function isRoot() {
  return process.getuid?.() === 0;
}

/** Installs Debian packages as root, saying what; otherwise throws with the command to run. */
function ensureApt(what: string, present: () => boolean) {
  if (present()) return;
  if (isRoot() && spawnSync("sh", ["-c", "command -v apt-get"]).status === 0) {
    console.log(`${what} is missing: installing it now with\n  ${APT_INSTALL}`);
    const r = spawnSync("sh", ["-c", APT_INSTALL], { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
    if (r.status === 0 && present()) return;
    throw new MissingToolError(`installing ${what} with apt-get failed`);
  }
  throw new MissingToolError(`${what} is not installed. Install it with (as root):\n  ${APT_INSTALL}`);
}

async function main() {
  mkdirSync(outDir, { recursive: true });
  const started = Date.now();
  let pg: PostgresServer | undefined;

  if (wants("typecheck"))
    await timed("typecheck (tsc --noEmit)", async () => {
      const code = await run("npx", ["tsc", "--noEmit"]);
      return { passed: code === 0 ? 1 : 0, failed: code === 0 ? 0 : 1, ok: code === 0 };
    });
  if (wants("lint"))
    await timed("lint (eslint)", async () => {
      const code = await run("npx", ["eslint", ".", "--max-warnings=0"]);
      return { passed: code === 0 ? 1 : 0, failed: code === 0 ? 0 : 1, ok: code === 0 };
    });
  if (wants("unit")) await timed("unit + simulator tests (vitest)", () => vitest(["unit", "simulator"], "unit"));
  if (wants("pglite")) await timed("integration tests on PGlite", () => vitest(["integration"], "pglite", { TEST_DB: "pglite" }));

  let databaseUrl = process.env.TEST_DATABASE_URL;
  const needPostgres = wants("postgres") || wants("e2e");
  if (needPostgres && !databaseUrl) {
    await timed("start a throwaway PostgreSQL server", async () => {
      ensureApt("PostgreSQL server (initdb, pg_ctl)", () => findPostgresBin() !== null);
      pg = await startPostgresServer();
      databaseUrl = pg.url;
      console.log(`PostgreSQL ready at ${pg.url}`);
      return { passed: 0, failed: 0, ok: true };
    });
  }
  try {
    if (wants("postgres"))
      await timed("integration tests on PostgreSQL", async () => {
        if (!databaseUrl) throw new Error("no PostgreSQL available");
        return vitest(["integration"], "postgres", { TEST_DB: "postgres", TEST_DATABASE_URL: databaseUrl });
      });
    if (wants("e2e"))
      await timed("production build + e2e in Chromium (Playwright)", async () => {
        ensureApt(`Chromium (${CHROMIUM})`, () => existsSync(CHROMIUM));
        if (!databaseUrl) throw new Error("no PostgreSQL available");
        const build = await run("npx", ["next", "build"], { NEXT_TELEMETRY_DISABLED: "1" });
        if (build !== 0) return { passed: 0, failed: 1, ok: false, note: "next build failed" };
        const report = path.join(outDir, "playwright.json");
        rmSync(report, { force: true });
        // Free ports unless given, so another run on the same machine cannot collide with this one.
        const appPort = process.env.E2E_APP_PORT ?? String(await freePort());
        let simPort = process.env.E2E_SIM_PORT ?? String(await freePort());
        while (simPort === appPort) simPort = String(await freePort());
        const code = await run("npx", ["playwright", "test"], {
          E2E_APP_PORT: appPort,
          E2E_SIM_PORT: simPort,
          TEST_DATABASE_URL: databaseUrl,
          PLAYWRIGHT_JSON_OUTPUT_NAME: report,
          CHROMIUM_PATH: CHROMIUM,
        });
        const stats = existsSync(report)
          ? (JSON.parse(readFileSync(report, "utf8")) as { stats: { expected: number; unexpected: number; flaky: number } }).stats
          : { expected: 0, unexpected: 1, flaky: 0 };
        const passed = stats.expected + stats.flaky;
        if (passed + stats.unexpected === 0) return { passed: 0, failed: 1, ok: false, note: "ran no test" };
        return { passed, failed: stats.unexpected, ok: code === 0 && stats.unexpected === 0 };
      });
  } finally {
    pg?.stop();
  }

  const passed = steps.reduce((n, s) => n + s.passed, 0);
  const failed = steps.reduce((n, s) => n + s.failed, 0);
  console.log("\n\x1b[1mSummary\x1b[0m");
  for (const s of steps) {
    console.log(
      `  ${s.ok ? "✔" : "✖"} ${s.name.padEnd(52)} ${String(s.passed).padStart(4)} passed ${String(s.failed).padStart(3)} failed  ${s.seconds.toFixed(1)}s${s.note ? `  (${s.note})` : ""}`,
    );
  }
  console.log(`  total time ${((Date.now() - started) / 1000).toFixed(0)}s`);
  const ok = steps.every((s) => s.ok) && steps.length > 0;
  console.log(`tests: ${passed} passed, ${failed} failed`);
  process.exit(ok ? 0 : 1);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  console.log("tests: 0 passed, 1 failed");
  process.exit(1);
});
