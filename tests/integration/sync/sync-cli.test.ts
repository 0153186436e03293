/**
 * `npm run sync` as a person runs it: asking for help is not an error (exit 0, usage on stdout);
 * a bad argument is (exit 2, the problem and the usage on stderr). Neither opens the database.
 */
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";

function npmRunSync(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("npm", ["run", "--silent", "sync", "--", ...args], { cwd: process.cwd(), env: { ...process.env, DATABASE_URL: "" }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("npm run sync", () => {
  it("--help and -h print the usage and exit 0", async () => {
    for (const flag of ["--help", "-h"]) {
      const r = await npmRunSync([flag]);
      expect(r.code, flag).toBe(0);
      expect(r.stdout).toMatch(/^usage: npm run sync -- \[--tenant ID\]/);
      expect(r.stdout).toMatch(/--full/);
      expect(r.stderr).toBe("");
    }
  });

  it("an unknown argument exits 2, naming it", async () => {
    const r = await npmRunSync(["--tenat", "x"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown argument --tenat/);
    expect(r.stderr).toMatch(/usage: npm run sync/);
    expect(r.stdout).toBe("");
  });
});
