import { readFileSync } from "node:fs";
import path from "node:path";
import { getTableName } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { ENTITIES, entitySlug } from "@/lib/entities/registry";

/** The README's table of what is mirrored says what the definitions say (it is the newcomer's map). */
const readme = readFileSync(path.join(process.cwd(), "README.md"), "utf8");
const rows = readme.split("\n").filter((l) => l.startsWith("| ") && l.includes("`/"));

describe("README: what is mirrored", () => {
  it.each(ENTITIES.map((e) => [e.name, e] as const))("%s has its row: page, endpoint, table, scope", (_name, e) => {
    const row = rows.find((r) => r.startsWith(`| ${e.label} |`));
    expect(row, `a row for ${e.label}`).toBeDefined();
    for (const part of [`\`/${entitySlug(e)}\``, `\`${e.xero.endpoint}\``, `\`${getTableName(e.table)}\``, `\`${e.xero.scopes[0]}\``]) expect(row).toContain(part);
  });

  it("lists no entity the registry lacks", () => {
    const labels = new Set(ENTITIES.map((e) => e.label));
    const start = readme.indexOf("## What is mirrored");
    const table = readme.slice(start, readme.indexOf("\n\n", readme.indexOf("|---", start)));
    const listed = table.split("\n").filter((l) => l.startsWith("| ") && !l.startsWith("| data")).map((l) => l.split("|")[1]!.trim());
    expect(listed.filter((l) => !labels.has(l))).toEqual([]);
  });
});
