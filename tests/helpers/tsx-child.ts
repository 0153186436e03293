/**
 * A TypeScript script in its own process (node --import tsx, so signals reach the script itself),
 * for the tests that need a second process on the same database: what it prints, and a promise
 * that it has printed a line. No vitest, no timers: tests wait for output, never for time.
 */
import { spawn } from "node:child_process";

export interface TsxChild {
  /** stdout so far. */
  out(): string;
  /** The exit code, or the signal that ended it. */
  exited: Promise<NodeJS.Signals | number | null>;
  /** Resolves once stdout matches; rejects if the process exits first. */
  printed(pattern: RegExp): Promise<void>;
  kill(signal: NodeJS.Signals): void;
}

export function spawnTsx(script: string, args: string[], env: NodeJS.ProcessEnv): TsxChild {
  const child = spawn(process.execPath, ["--import", "tsx", script, ...args], { cwd: process.cwd(), env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on("exit", (code, signal) => resolve(signal ?? code)));
  return {
    out: () => out,
    exited,
    printed: (pattern) =>
      new Promise<void>((resolve, reject) => {
        const check = () => pattern.test(out) && resolve();
        child.stdout.on("data", check);
        check();
        void exited.then(() => reject(new Error(`the child exited before printing ${pattern}: ${out} ${err}`)));
      }),
    kill: (signal) => child.kill(signal),
  };
}
