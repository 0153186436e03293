import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

/**
 * A throwaway PostgreSQL cluster for tests and benchmarks (SETUP.md's recipe): initdb under /tmp,
 * started on a free loopback port with fsync off, stopped and removed afterwards. As root the
 * server runs as the `postgres` user (it refuses to run as root).
 */

export class MissingToolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MissingToolError";
  }
}

export const APT_INSTALL =
  "apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql chromium fonts-liberation";

/** The newest installed PostgreSQL server's bin directory, or null. */
export function findPostgresBin(): string | null {
  const root = "/usr/lib/postgresql";
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => existsSync(path.join(root, v, "bin", "initdb")))
      .sort((a, b) => Number(a) - Number(b));
    const last = versions.at(-1);
    if (last) return path.join(root, last, "bin");
  }
  const which = spawnSync("sh", ["-c", "command -v initdb"], { encoding: "utf8" });
  const found = which.stdout.trim();
  return found ? path.dirname(found) : null;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === "object" && addr ? resolve(addr.port) : reject(new Error("no port"))));
    });
  });
}

export interface PostgresServer {
  /** Superuser URL of the `app` database. */
  url: string;
  stop(): void;
}

export async function startPostgresServer(): Promise<PostgresServer> {
  const bin = findPostgresBin();
  if (!bin) throw new MissingToolError(`PostgreSQL server binaries (initdb, pg_ctl) not found. Install them with:\n  ${APT_INSTALL}`);
  const isRoot = process.getuid?.() === 0;
  const base = mkdtempSync(path.join(os.tmpdir(), "xs-pg-"));
  const dataDir = path.join(base, "data");
  const port = await freePort();
  const asPg = (cmd: string, args: string[]) =>
    isRoot ? execFileSync("runuser", ["-u", "postgres", "--", path.join(bin, cmd), ...args], { stdio: "pipe" }) : execFileSync(path.join(bin, cmd), args, { stdio: "pipe" });
  if (isRoot) execFileSync("chown", ["postgres:postgres", base]);
  asPg("initdb", ["-D", dataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"]);
  asPg("pg_ctl", [
    "-D",
    dataDir,
    "-l",
    path.join(base, "server.log"),
    "-w",
    "-t",
    "30",
    "-o",
    `-p ${port} -k ${base} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`,
    "start",
  ]);
  asPg("createdb", ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "app"]);
  let stopped = false;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/app`,
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        asPg("pg_ctl", ["-D", dataDir, "-m", "immediate", "-w", "stop"]);
      } catch {
        // already gone
      }
      rmSync(base, { recursive: true, force: true });
    },
  };
}
