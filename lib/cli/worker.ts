/**
 * `npm run worker`: a sync worker (lib/jobs/worker.ts) on DATABASE_URL's PostgreSQL. Run as many
 * as you like, on as many machines: they share the queue, one sync per organisation at a time.
 * On PGlite it refuses in one line (PGlite is one process; the app syncs in-process there).
 * SIGTERM / SIGINT drain: no new jobs; running syncs get --drain-seconds (default 20) to finish,
 * then stop at a page boundary and are queued again for another worker, which resumes from the
 * committed cursor. Exit code 143 (SIGTERM) / 130 (SIGINT); 1 on PGlite; 2 for a bad argument.
 */
import nextEnv from "@next/env";
import { getDatabase } from "@/lib/db";
import { EnvError, parseEnv } from "@/lib/env";
import { startWorker } from "@/lib/jobs/worker";
import { runCommand } from "./run-command";

/** The same grace the app gives its syncs on shutdown (container runtimes usually allow 30 s in all). */
const WORKER_DRAIN_GRACE_MS = 20_000;

nextEnv.loadEnvConfig(process.cwd());

const USAGE = `usage: npm run worker -- [--drain-seconds N]

  --drain-seconds N   on SIGTERM, how long running syncs may finish before they stop at a page
                      boundary and are handed to another worker (default ${WORKER_DRAIN_GRACE_MS / 1000})
  --help, -h          this text`;

function drainMs(argv: string[]): number {
  let ms = WORKER_DRAIN_GRACE_MS;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] = a.includes("=") ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a, undefined];
    if (flag === "--help" || flag === "-h") {
      console.log(USAGE);
      process.exit(0);
    }
    const value = flag === "--drain-seconds" ? (inline ?? argv[++i]) : undefined;
    if (value === undefined || !/^\d{1,4}$/.test(value)) {
      console.error(`✖ ${flag === "--drain-seconds" ? "--drain-seconds needs a whole number of seconds" : `unknown argument ${a}`}`);
      console.error(USAGE);
      process.exit(2);
    }
    ms = Number(value) * 1000;
  }
  return ms;
}

async function main(): Promise<number> {
  const graceMs = drainMs(process.argv.slice(2));
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
  console.log(`Sync worker ${process.pid}: ${signal}, draining`);
  const { stopped } = await worker.stop(graceMs);
  console.log(`Sync worker ${process.pid} drained (${stopped ? "running syncs stopped at a page boundary, handed to another worker" : "all finished"})`);
  return signal === "SIGINT" ? 130 : 143;
}

runCommand(main);
