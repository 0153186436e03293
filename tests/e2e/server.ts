/**
 * The e2e web server: a fresh database (a new PostgreSQL database on TEST_DATABASE_URL's server, or
 * PGlite in a temporary directory), then the real launcher (lib/cli/start.ts) in demo mode (XERO_DEMO=1,
 * since the database is configured) with its own simulator on E2E_SIM_PORT, serving the production
 * build on E2E_APP_PORT.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { E2E_SIM_CONTROL_TOKEN, e2eDatabaseFile } from "./server-info";

const appPort = process.env.E2E_APP_PORT ?? "3100";
const simPort = process.env.E2E_SIM_PORT ?? "4110";
const dataDir = mkdtempSync(path.join(os.tmpdir(), "xs-e2e-"));
const adminUrl = process.env.TEST_DATABASE_URL;
let databaseUrl: string | undefined;
let dbName: string | undefined;

if (adminUrl) {
  dbName = `xs_e2e_${randomBytes(5).toString("hex")}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${dbName}`);
  await admin.end();
  const u = new URL(adminUrl);
  u.pathname = `/${dbName}`;
  databaseUrl = u.toString();
}

const env: NodeJS.ProcessEnv = {
  ...process.env,
  PORT: appPort,
  NEXTAUTH_URL: `http://localhost:${appPort}`,
  XERO_SIM_PORT: simPort,
  XERO_SIM_CONTROL_TOKEN: E2E_SIM_CONTROL_TOKEN,
  DATA_DIR: dataDir,
  SYNC_INTERVAL_MINUTES: "0",
  DATABASE_URL: databaseUrl ?? "",
  // The demo on a configured database runs only when asked for (lib/env.ts: decideStartMode).
  XERO_DEMO: "1",
  XERO_CLIENT_ID: "",
  XERO_CLIENT_SECRET: "",
};
// Specs that must set up what no page can (a token 50 days old) find this run's database here.
writeFileSync(e2eDatabaseFile(appPort), JSON.stringify({ databaseUrl: databaseUrl ?? null }));
console.log(`e2e server: database ${databaseUrl ? dbName : `PGlite in ${dataDir}`}, simulator on ${simPort}, app on ${appPort}`);
const child = spawn(process.execPath, [path.resolve("node_modules/tsx/dist/cli.mjs"), "lib/cli/start.ts"], { stdio: "inherit", env });

async function cleanup() {
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(e2eDatabaseFile(appPort), { force: true });
  if (adminUrl && dbName) {
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop database if exists ${dbName} with (force)`).catch(() => {});
    await admin.end();
  }
}
for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => child.kill(sig));
child.on("exit", async (code) => {
  await cleanup();
  process.exit(code ?? 0);
});
