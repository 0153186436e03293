/**
 * `npm start`: the whole product from one command.
 *
 * 1. Loads .env files the way Next does.
 * 2. Decides demo mode (lib/env.ts: decideStartMode): nothing of a real deployment configured, or
 *    XERO_DEMO=1 → starts the bundled Xero simulator on 127.0.0.1:XERO_SIM_PORT and points the app
 *    at it (identity, API, its demo client), and keeps generated secrets (AUTH_SECRET,
 *    TOKEN_ENCRYPTION_KEY) under DATA_DIR so a restart reuses them. A half-configured deployment
 *    (say DATABASE_URL without XERO_CLIENT_ID) stops here with one line naming what is missing.
 * 3. Validates the environment and opens + migrates the database (PGlite under DATA_DIR unless
 *    DATABASE_URL is set); any problem is one clear line, not a stack trace.
 * 4. Builds when the sources are newer than the last build, then serves on PORT (default 3000).
 * 5. On PostgreSQL, runs one sync worker beside the app (`npm run worker`; not with START_WORKER=0
 *    or --no-worker, when workers run elsewhere): the app only enqueues syncs there.
 *
 * `npm run dev` (--dev) does the same with `next dev`.
 */
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import nextEnv from "@next/env";

const root = process.cwd();
const dev = process.argv.includes("--dev");

function fail(message: string): never {
  console.error(`\n✖ ${message}\n`);
  process.exit(1);
}

/** Secrets generated once for demo mode and kept beside the demo database. */
type DemoSecrets = { AUTH_SECRET: string; TOKEN_ENCRYPTION_KEY: string; XERO_WEBHOOK_KEY: string };

function demoSecrets(dataDir: string): DemoSecrets {
  const file = path.join(dataDir, "demo-secrets.json");
  const kept = existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Partial<DemoSecrets>) : {};
  const secrets: DemoSecrets = {
    AUTH_SECRET: kept.AUTH_SECRET ?? randomBytes(32).toString("base64"),
    TOKEN_ENCRYPTION_KEY: kept.TOKEN_ENCRYPTION_KEY ?? randomBytes(32).toString("base64"),
    XERO_WEBHOOK_KEY: kept.XERO_WEBHOOK_KEY ?? randomBytes(32).toString("base64"),
  };
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

/**
 * Demo mode: once the app answers, subscribe it to the simulator's webhooks as a Xero developer
 * would in the portal (the simulator runs Xero's intent-to-receive check against the app).
 */
async function subscribeDemoWebhooks(appUrl: string, simUrl: string, key: string, controlToken: string): Promise<void> {
  for (let i = 0; i < 120; i++) {
    const ok = await fetch(`${appUrl}/api/health`).then((r) => r.ok, () => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  const res = await fetch(`${simUrl}/__sim/webhooks/config`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-sim-control-token": controlToken },
    body: JSON.stringify({ url: `${appUrl}/api/xero/webhooks`, key }),
  }).then((r) => r.json() as Promise<{ active?: boolean }>, () => ({ active: false }));
  console.log(res.active ? "Demo webhooks: the simulator delivers changes to /api/xero/webhooks" : "Demo webhooks: subscription failed (syncs still run on schedule and on demand)");
}

/** Newest modification time below the given paths (files only). */
function newestMtime(paths: string[]): number {
  let newest = 0;
  const walk = (p: string) => {
    if (!existsSync(p)) return;
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const name of readdirSync(p)) if (name !== "node_modules" && !name.startsWith(".")) walk(path.join(p, name));
    } else newest = Math.max(newest, st.mtimeMs);
  };
  paths.forEach(walk);
  return newest;
}

function needsBuild(): boolean {
  const buildId = path.join(root, process.env.NEXT_DIST_DIR || ".next", "BUILD_ID");
  if (!existsSync(buildId)) return true;
  const sources = ["app", "lib", "public", "instrumentation.ts", "proxy.ts", "next.config.js", "postcss.config.mjs", "package-lock.json", "tsconfig.json"];
  return newestMtime(sources.map((s) => path.join(root, s))) > statSync(buildId).mtimeMs;
}

/** `npm run worker` as a child of this process, its output beside the server's. */
function startWorkerProcess(env: NodeJS.ProcessEnv) {
  console.log("Sync worker: one beside the app (START_WORKER=0 or --no-worker to run workers elsewhere)");
  const child = spawn(process.execPath, [path.join(root, "node_modules", "tsx", "dist", "cli.mjs"), path.join(root, "lib", "cli", "worker.ts")], { stdio: "inherit", env });
  child.on("exit", (code, signal) => {
    if (signal !== "SIGTERM" && signal !== "SIGINT" && code !== 143 && code !== 130) {
      console.error(`✖ The sync worker stopped (${signal ?? `exit code ${code}`}): syncs wait in the queue until a worker runs (npm run worker)`);
    }
  });
  return child;
}

async function main() {
  nextEnv.loadEnvConfig(root, dev);
  const env = process.env;
  const port = env.PORT ?? "3000";
  env.PORT = port;
  env.NEXTAUTH_URL ??= `http://localhost:${port}`;
  const dataDir = path.resolve(env.DATA_DIR ?? "./.data");

  const { decideStartMode } = await import("@/lib/env");
  const decision = decideStartMode(env);
  if (decision.mode === "refuse") fail(decision.message);
  const demo = decision.mode === "demo";
  let stopSimulator: (() => Promise<void>) | undefined;
  let simControlToken = "";
  if (demo) {
    const { startDemoSimulator } = await import("@/lib/xero-simulator/demo");
    const simPort = Number(env.XERO_SIM_PORT ?? 4010);
    const appUrl = env.NEXTAUTH_URL.replace(/\/+$/, "");
    let sim;
    try {
      sim = await startDemoSimulator({
        port: simPort,
        dataDir,
        redirectUris: [`${appUrl}/api/auth/callback/xero`, `${appUrl}/api/xero/callback`],
        controlToken: env.DEMO_SIM_CONTROL_TOKEN || undefined,
      });
    } catch (error) {
      fail(`Could not start the Xero simulator on 127.0.0.1:${simPort}: ${error instanceof Error ? error.message : String(error)} (set XERO_SIM_PORT to use another port)`);
    }
    stopSimulator = sim.close;
    simControlToken = sim.controlToken;
    const secrets = demoSecrets(dataDir);
    env.XERO_DEMO = "1";
    env.XERO_IDENTITY_URL = sim.url;
    env.XERO_API_URL = sim.url;
    env.XERO_CLIENT_ID = sim.clientId;
    env.XERO_CLIENT_SECRET = sim.clientSecret;
    env.AUTH_SECRET ??= secrets.AUTH_SECRET;
    env.TOKEN_ENCRYPTION_KEY ??= secrets.TOKEN_ENCRYPTION_KEY;
    env.XERO_WEBHOOK_KEY ??= secrets.XERO_WEBHOOK_KEY;
    const why = decision.optIn ? "XERO_DEMO=1" : "nothing of a real deployment is configured";
    console.log(`Demo mode (${why}): Xero is the bundled simulator at ${sim.url}`);
  }

  const { parseEnv, EnvError } = await import("@/lib/env");
  try {
    parseEnv(env);
  } catch (error) {
    if (error instanceof EnvError) fail(error.message);
    throw error;
  }

  // Open and migrate here so a bad DATABASE_URL is one line now, not an error on the first page.
  const { openDatabase, DatabaseUnavailableError } = await import("@/lib/db/client");
  try {
    const handle = await openDatabase({ url: env.DATABASE_URL || undefined, dataDir: path.join(dataDir, "pglite") });
    console.log(`Database: ${handle.location} (migrations applied)`);
    await handle.close(); // PGlite allows one process per data directory: the server opens it next.
  } catch (error) {
    if (error instanceof DatabaseUnavailableError) fail(error.message);
    throw error;
  }

  const nextBin = path.join(root, "node_modules", "next", "dist", "bin", "next");
  if (!dev && needsBuild()) {
    console.log("Building the app (first start, or sources changed since the last build)…");
    const build = spawnSync(process.execPath, [nextBin, "build"], { stdio: "inherit", env: { ...env, NEXT_TELEMETRY_DISABLED: "1" } });
    if (build.status !== 0) fail("next build failed (see above)");
  }

  console.log(`Serving on ${env.NEXTAUTH_URL}`);
  const server = spawn(process.execPath, [nextBin, dev ? "dev" : "start", "-p", port], {
    stdio: "inherit",
    // The server drains its syncs on SIGTERM itself (instrumentation.ts) instead of Next exiting at once.
    env: { ...env, NEXT_TELEMETRY_DISABLED: "1", NEXT_MANUAL_SIG_HANDLE: "true" },
  });
  if (demo) void subscribeDemoWebhooks(`http://127.0.0.1:${port}`, env.XERO_IDENTITY_URL!, env.XERO_WEBHOOK_KEY!, simControlToken);
  // On PostgreSQL the app only enqueues syncs: one worker beside it, so one machine needs one command.
  const worker = env.DATABASE_URL && env.START_WORKER !== "0" && !process.argv.includes("--no-worker") ? startWorkerProcess(env) : undefined;
  const workerExited = worker ? new Promise<void>((resolve) => worker.on("exit", () => resolve())) : Promise.resolve();
  const shutdown = (signal: NodeJS.Signals) => {
    server.kill(signal);
    worker?.kill(signal);
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
  server.on("exit", async (code) => {
    worker?.kill("SIGTERM");
    await workerExited;
    await stopSimulator?.().catch(() => {});
    process.exit(code ?? 0);
  });
}

main().catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
