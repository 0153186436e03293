/**
 * `npm start`: the whole product from one command.
 *
 * 1. Loads .env files the way Next does.
 * 2. No Xero credentials configured → demo mode: starts the bundled Xero simulator on
 *    127.0.0.1:XERO_SIM_PORT and points the app at it (identity, API, its demo client), and keeps
 *    generated secrets (AUTH_SECRET, TOKEN_ENCRYPTION_KEY) under DATA_DIR so a restart reuses them.
 * 3. Validates the environment and opens + migrates the database (PGlite under DATA_DIR unless
 *    DATABASE_URL is set); any problem is one clear line, not a stack trace.
 * 4. Builds when the sources are newer than the last build, then serves on PORT (default 3000).
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
function demoSecrets(dataDir: string): { AUTH_SECRET: string; TOKEN_ENCRYPTION_KEY: string } {
  const file = path.join(dataDir, "demo-secrets.json");
  if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8")) as { AUTH_SECRET: string; TOKEN_ENCRYPTION_KEY: string };
  mkdirSync(dataDir, { recursive: true });
  const secrets = { AUTH_SECRET: randomBytes(32).toString("base64"), TOKEN_ENCRYPTION_KEY: randomBytes(32).toString("base64") };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
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
  const sources = ["app", "lib", "public", "instrumentation.ts", "next.config.js", "postcss.config.mjs", "package-lock.json", "tsconfig.json"];
  return newestMtime(sources.map((s) => path.join(root, s))) > statSync(buildId).mtimeMs;
}

async function main() {
  nextEnv.loadEnvConfig(root, dev);
  const env = process.env;
  const port = env.PORT ?? "3000";
  env.PORT = port;
  env.NEXTAUTH_URL ??= `http://localhost:${port}`;
  const dataDir = path.resolve(env.DATA_DIR ?? "./.data");

  const demo = !env.XERO_CLIENT_ID;
  let stopSimulator: (() => Promise<void>) | undefined;
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
      });
    } catch (error) {
      fail(`Could not start the Xero simulator on 127.0.0.1:${simPort}: ${error instanceof Error ? error.message : String(error)} (set XERO_SIM_PORT to use another port)`);
    }
    stopSimulator = sim.close;
    const secrets = demoSecrets(dataDir);
    env.XERO_DEMO = "1";
    env.XERO_IDENTITY_URL = sim.url;
    env.XERO_API_URL = sim.url;
    env.XERO_CLIENT_ID = sim.clientId;
    env.XERO_CLIENT_SECRET = sim.clientSecret;
    env.AUTH_SECRET ??= secrets.AUTH_SECRET;
    env.TOKEN_ENCRYPTION_KEY ??= secrets.TOKEN_ENCRYPTION_KEY;
    console.log(`Demo mode: no XERO_CLIENT_ID set, so Xero is the bundled simulator at ${sim.url}`);
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
    env: { ...env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  const shutdown = (signal: NodeJS.Signals) => {
    server.kill(signal);
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
  server.on("exit", async (code) => {
    await stopSimulator?.().catch(() => {});
    process.exit(code ?? 0);
  });
}

main().catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
