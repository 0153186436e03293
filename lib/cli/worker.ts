/**
 * `npm run worker`: a sync worker (lib/jobs/worker.ts) on DATABASE_URL's PostgreSQL. Run as many
 * as you like, on as many machines: they share the queue, one sync per organisation at a time.
 * On PGlite it refuses in one line (PGlite is one process; the app syncs in-process there).
 * SIGTERM / SIGINT drain: no new jobs; running syncs get WORKER_DRAIN_GRACE_MS to finish, then stop
 * at a page boundary and are retried by another worker from the committed cursor.
 */
import nextEnv from "@next/env";
import { getDatabase } from "@/lib/db";
import { EnvError, parseEnv } from "@/lib/env";
import { startWorker } from "@/lib/jobs/worker";
import { runCommand } from "./run-command";

/** The same grace the app gives its syncs on shutdown (container runtimes usually allow 30 s in all). */
const WORKER_DRAIN_GRACE_MS = 20_000;

nextEnv.loadEnvConfig(process.cwd());

async function main(): Promise<number> {
  let env;
  try {
    env = parseEnv(process.env);
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(`✖ ${error.message}`);
      return 1;
    }
    throw error;
  }
  if (!env.DATABASE_URL) {
    console.error("✖ The sync worker needs PostgreSQL (set DATABASE_URL): on PGlite the app runs its syncs itself, in its one process.");
    return 1;
  }
  const handle = await getDatabase();
  const worker = await startWorker({ url: env.DATABASE_URL, db: handle.db });
  console.log(`Sync worker ${process.pid}: ${env.SYNC_MAX_CONCURRENT} at once on ${handle.location}`);
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once("SIGTERM", () => resolve("SIGTERM"));
    process.once("SIGINT", () => resolve("SIGINT"));
  });
  const { stopped } = await worker.stop(WORKER_DRAIN_GRACE_MS);
  console.log(`Sync worker ${process.pid} drained (${stopped ? "running syncs stopped at a page boundary, retried elsewhere" : "all finished"})`);
  return signal === "SIGINT" ? 130 : 143;
}

runCommand(main);
