/**
 * `npm run tokens:reencrypt`: after a key rotation (TOKEN_ENCRYPTION_KEY = the new key,
 * TOKEN_ENCRYPTION_KEY_PREVIOUS = the old one), rewrites every stored secret under the new key:
 * token sets, PKCE verifiers of Connect Xero attempts, and the key canary (lib/xero/token-reencrypt.ts).
 * Then TOKEN_ENCRYPTION_KEY_PREVIOUS can be removed. Safe to run while the app runs on PostgreSQL;
 * PGlite allows one process per data directory: stop the app first. Exit code 0 when every value is
 * under the current key, 1 otherwise (each row left as it was is listed).
 */
import nextEnv from "@next/env";
import { getDatabase } from "@/lib/db";
import { runCommand } from "./run-command";
import { TokenCryptoError } from "@/lib/xero/token-crypto";
import { reencryptSecrets, type ReencryptCounts } from "@/lib/xero/token-reencrypt";

nextEnv.loadEnvConfig(process.cwd());

const line = (what: string, c: ReencryptCounts) => `  ${what.padEnd(28)} ${c.rewritten} rewritten, ${c.current} already current${c.failed ? `, ${c.failed} left as they were` : ""}`;

async function main(): Promise<number> {
  const handle = await getDatabase();
  console.log(`Database: ${handle.location}`);
  const report = await reencryptSecrets(handle.db);
  console.log(`Re-encrypted under key id ${report.keyId}:`);
  console.log(line("token sets", report.tokenSets));
  console.log(line("Connect Xero attempts", report.authRequests));
  console.log(line("alert webhook secrets", report.alertSecrets));
  console.log(`  ${"key canary".padEnd(28)} ${report.canary === "kept" ? "kept (some values need a key this server lacks)" : report.canary}`);
  for (const p of report.problems) console.error(`✖ ${p}`);
  if (report.canary === "kept") console.error("✖ Set the key those values were saved with as TOKEN_ENCRYPTION_KEY_PREVIOUS and run this again.");
  return report.problems.length ? 1 : 0;
}

runCommand(main, (error) => (error instanceof TokenCryptoError ? error.logMessage : error instanceof Error ? error.message : String(error)));
