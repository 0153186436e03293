/**
 * `npm run db:migrate`: applies drizzle/ migrations to DATABASE_URL (PostgreSQL) or, when it is
 * unset, to the PGlite database under DATA_DIR. The app also does this at start-up.
 */
import path from "node:path";
import nextEnv from "@next/env";
import { DatabaseUnavailableError, openDatabase } from "@/lib/db/client";
import { EnvError, parseEnv } from "@/lib/env";

nextEnv.loadEnvConfig(process.cwd());
try {
  const env = parseEnv({ ...process.env, XERO_DEMO: process.env.XERO_DEMO ?? "1" });
  const handle = await openDatabase({ url: env.DATABASE_URL, dataDir: path.resolve(env.DATA_DIR, "pglite") });
  console.log(`Migrations applied to ${handle.location}`);
  await handle.close();
} catch (error) {
  if (error instanceof EnvError || error instanceof DatabaseUnavailableError) {
    console.error(`✖ ${error.message}`);
    process.exit(1);
  }
  throw error;
}
