import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

/**
 * The layer boundaries are lint rules (eslint.config.mjs), so `npm test` refuses a page that builds
 * its own query or a sync module that needs Next. These probes are linted as if they lived at the
 * given path; nothing is written to disk.
 */
const eslint = new ESLint({ cwd: process.cwd() });

async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === "no-restricted-imports").map((m) => m.message);
}

// The first lint loads the whole config and its plugins: seconds on a busy machine, not a defect.
describe("import boundaries", { timeout: 60_000 }, () => {
  it("refuses drizzle-orm and the schema in app/", async () => {
    const code = 'import { sql } from "drizzle-orm";\nimport { invoices } from "@/lib/db/schema";\nexport const probe = [sql, invoices];\n';
    const messages = await restrictedImports("app/(dashboard)/probe/page.tsx", code);
    expect(messages).toHaveLength(2);
    expect(messages.join("\n")).toMatch(/drizzle-orm/);
    expect(messages.join("\n")).toMatch(/lib\/db\/schema/);
  });

  it("lets app/ use the database handle and lib/ read models", async () => {
    const code = 'import { getDb } from "@/lib/db";\nimport { listHistory } from "@/lib/history/read-model";\nexport const probe = [getDb, listHistory];\n';
    expect(await restrictedImports("app/api/probe/route.ts", code)).toEqual([]);
  });

  it("refuses next/* in lib/sync, and lets lib/ read models build queries", async () => {
    const next = 'import { headers } from "next/headers";\nexport const probe = headers;\n';
    expect(await restrictedImports("lib/sync/probe.ts", next)).toHaveLength(1);
    const drizzle = 'import { sql } from "drizzle-orm";\nexport const probe = sql;\n';
    expect(await restrictedImports("lib/invoices/probe.ts", drizzle)).toEqual([]);
  });
});
