/**
 * Seeds a database with a signed-in user and a mirrored organisation, for looking at the dashboard
 * by hand (screenshots) and for the e2e specs:
 *   DATABASE_URL=postgres://… npx tsx tests/helpers/seed-mirror-cli.ts [invoices=2000] [contacts=300]
 * Prints JSON { userId, sessionToken, tenantId } — set the cookie next-auth.session-token=<token>.
 */
import { openDatabase } from "@/lib/db/client";
import { analyze, seedContacts, seedInvoices, seedSession, seedSyncHistory, seedTenant, seedUser } from "./seed-mirror";

async function main() {
  const url = process.env.DATABASE_URL;
  const handle = await openDatabase(url ? { url } : { dataDir: process.env.PGLITE_DIR ?? ".data/pglite" });
  const nInv = Number(process.argv[2] ?? 2000);
  const nCon = Number(process.argv[3] ?? 300);
  const db = handle.db;
  const user = await seedUser(db, { email: `ana.${Date.now()}@example.com`, name: "Ana Fernández" });
  const token = await seedSession(db, user.id);
  const tenant = await seedTenant(db, user.id, { name: "Bayside Wholesale Ltd" });
  const list = await seedContacts(db, tenant.id, nCon, { ns: Math.floor(Math.random() * 1e6) });
  await seedInvoices(db, tenant.id, nInv, list, { ns: Math.floor(Math.random() * 1e6) });
  await seedSyncHistory(db, user.id, tenant.id);
  if (process.argv.includes("--second")) {
    const t2 = await seedTenant(db, user.id, { name: "Kowhai Studio", rateLimitedUntil: new Date(Date.now() + 3 * 3600_000) });
    const l2 = await seedContacts(db, t2.id, 40, { ns: Math.floor(Math.random() * 1e6) });
    await seedInvoices(db, t2.id, 150, l2, { ns: Math.floor(Math.random() * 1e6), currency: "AUD" });
  }
  await analyze(db);
  console.log(JSON.stringify({ userId: user.id, sessionToken: token, tenantId: tenant.id }));
  await handle.close();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
