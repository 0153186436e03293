import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

/**
 * `npm start` (lib/cli/start.ts) as a real child process with a half-configured production
 * environment: it must stop with one line naming what is missing, before it starts the simulator,
 * writes demo secrets or touches the database.
 */

const root = path.resolve(import.meta.dirname, "../../..");
const dataDir = mkdtempSync(path.join(os.tmpdir(), "xs-start-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the launcher; stops it early if it got as far as serving (the bug: it entered demo mode). */
function start(env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, "node_modules/tsx/dist/cli.mjs"), "lib/cli/start.ts"], {
      cwd: root,
      // Only what is given (and npm start's production mode): nothing of the test runner's own
      // environment leaks in.
      env: { NODE_ENV: "production", PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? os.tmpdir(), ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
      if (/Demo mode|Serving on|Building/.test(stdout)) child.kill("SIGTERM");
    });
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("npm start with a half-configured deployment", () => {
  it("stops with one line naming the missing XERO_CLIENT_ID instead of entering demo mode", async () => {
    const run = await start({
      DATABASE_URL: "postgres://xero_sync@127.0.0.1:1/xero_sync",
      XERO_CLIENT_SECRET: "a-real-secret",
      AUTH_SECRET: randomBytes(32).toString("base64"),
      TOKEN_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
      DATA_DIR: dataDir,
      PORT: "3197",
      XERO_SIM_PORT: "4197",
    });
    expect(run.stdout).not.toMatch(/Demo mode/);
    expect(run.code).toBe(1);
    const lines = run.stderr.split("\n").filter((l) => l.trim() !== "");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^✖ Not starting: .*DATABASE_URL.* set .* but XERO_CLIENT_ID is missing/);
    // The secret's value is never echoed; nothing of the demo was set up.
    expect(run.stderr).not.toContain("a-real-secret");
    expect(existsSync(dataDir) ? readdirSync(dataDir) : []).toEqual([]);
  });
});
