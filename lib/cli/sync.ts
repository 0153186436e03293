/**
 * `npm run sync -- [--tenant ID] [--entity invoices|contacts] [--full]`
 *
 * Syncs now, in this process, printing progress: every connected organisation, or one (--tenant
 * takes our tenant id, Xero's tenant id or the organisation's name). --full ignores the cursor and
 * walks everything (repairs rows Xero changed without bumping UpdatedDateUTC). Exit code 0 when
 * every tenant synced, 1 otherwise. PGlite allows one process per data directory: stop the app
 * first, or use PostgreSQL (DATABASE_URL). --help prints the usage and exits 0; a bad argument exits 2.
 */
import nextEnv from "@next/env";
import { eq, or } from "drizzle-orm";
import { getDatabase } from "@/lib/db";
import { runCommand } from "./run-command";
import { xeroTenants } from "@/lib/db/schema";
import { SYNC_ENTITIES, type SyncEntity } from "@/lib/entities/registry";
import { syncTenant, type SyncProgressEvent, type SyncResult } from "@/lib/sync";

nextEnv.loadEnvConfig(process.cwd());

const USAGE = `usage: npm run sync -- [--tenant ID] [--entity invoices|contacts] [--full]

  --tenant ID   one organisation: our tenant id, Xero's tenant id or its name (default: all)
  --entity E    only invoices or only contacts (default: both)
  --full        ignore the cursor and walk everything
  --help, -h    this text

Exit code 0 when every organisation synced, 1 otherwise, 2 for a bad argument.`;

/** A bad argument: say what, show the usage, exit 2. */
function usage(message: string): never {
  console.error(`✖ ${message}`);
  console.error(USAGE);
  process.exit(2);
}

function parseArgs(argv: string[]) {
  let tenant: string | undefined;
  let entities: SyncEntity[] | undefined;
  let full = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] = a.includes("=") ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a, undefined];
    const value = () => inline ?? argv[++i] ?? usage(`${flag} needs a value`);
    if (flag === "--tenant") tenant = value();
    else if (flag === "--entity") {
      const e = value();
      if (!(SYNC_ENTITIES as readonly string[]).includes(e)) usage(`--entity must be one of ${SYNC_ENTITIES.join(", ")}`);
      entities = [e as SyncEntity];
    } else if (flag === "--full") full = true;
    else if (flag === "--help" || flag === "-h") {
      // Asked for: not an error.
      console.log(USAGE);
      process.exit(0);
    }
    else usage(`unknown argument ${a}`);
  }
  return { tenant, entities, full };
}

const fmt = (n: number) => n.toLocaleString("en");

function describe(result: SyncResult): string {
  if (result.status === "already_running") return `already running (session ${result.sessionId ?? "unknown"})`;
  if (result.status === "skipped") {
    return result.reason === "rate_limited" ? `skipped: rate limited until ${result.rateLimitedUntil?.toISOString()}` : `skipped: ${result.reason.replace("_", " ")}`;
  }
  const parts = result.entities.map((e) => `${e.entity} ${e.outcome}${e.error ? ` (${e.error})` : ""}`);
  return `${result.status} in ${fmt(result.calls)} API call${result.calls === 1 ? "" : "s"} — ${parts.join(", ")}${result.rateLimitedUntil ? `; resumes after ${result.rateLimitedUntil.toISOString()}` : ""}`;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const handle = await getDatabase();
  const db = handle.db;
  console.log(`Database: ${handle.location}`);
  const uuidLike = args.tenant && /^[0-9a-f-]{36}$/i.test(args.tenant);
  const tenants = await db
    .select({ id: xeroTenants.id, name: xeroTenants.name, status: xeroTenants.status })
    .from(xeroTenants)
    .where(
      args.tenant
        ? uuidLike
          ? or(eq(xeroTenants.id, args.tenant), eq(xeroTenants.xeroTenantId, args.tenant))
          : eq(xeroTenants.name, args.tenant)
        : undefined,
    )
    .orderBy(xeroTenants.name);
  if (tenants.length === 0) {
    console.error(args.tenant ? `✖ No connected organisation matches ${args.tenant}.` : "✖ No organisation is connected yet: connect Xero in the app first.");
    return 1;
  }
  let failures = 0;
  for (const t of tenants) {
    const started = Date.now();
    console.log(`\n▶ ${t.name} (${t.id})${args.full ? " — full re-sync" : ""}`);
    const onProgress = (p: SyncProgressEvent) =>
      console.log(
        `  ${p.entity.padEnd(8)} page ${String(p.page).padStart(4)}  fetched ${fmt(p.fetched).padStart(9)}  inserted ${fmt(p.inserted).padStart(9)}  updated ${fmt(p.updated).padStart(7)}  unchanged ${fmt(p.unchanged).padStart(9)}${p.repair ? "  (re-walking: records changed while paging)" : ""}`,
      );
    const result = await syncTenant(db, { tenantId: t.id, entities: args.entities, full: args.full, trigger: "cli", onProgress });
    console.log(`  ${describe(result)} [${((Date.now() - started) / 1000).toFixed(1)} s]`);
    if (result.status !== "success") failures++;
    // A webhook announced changes while it ran, which it may have walked past: once more. The
    // exit code still judges the sync that was asked for; a failed follow-up counts on its own.
    let last = result;
    for (let again = 0; again < 3 && "followUpRequested" in last && last.followUpRequested; again++) {
      console.log("  changes were announced while it ran: syncing again");
      last = await syncTenant(db, { tenantId: t.id, trigger: "cli", onProgress });
      console.log(`  ${describe(last)} [${((Date.now() - started) / 1000).toFixed(1)} s]`);
      if (last.status === "error") failures++;
    }
  }
  return failures ? 1 : 0;
}

runCommand(main);
