/**
 * The records of one entity in the `example:` blocks of Xero's official OpenAPI description
 * (../shared/xero-openapi/xero_accounting.yaml): what Xero answers, so every 200 response's
 * example (lists, by id, after create and update) — request bodies are what a client sends, not
 * records. Also the property names the spec declares for a component schema, so a test can check
 * that a mapper accounts for every one of them.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";

type Json = Record<string, unknown>;

interface Spec {
  paths: Record<string, Record<string, { responses?: Record<string, { content?: Record<string, { example?: unknown }> }> }>>;
  components: { schemas: Record<string, { properties?: Json }> };
}

let spec: Spec | undefined;

function loadSpec(): Spec {
  spec ??= parse(readFileSync(path.resolve(process.cwd(), "../shared/xero-openapi/xero_accounting.yaml"), "utf8")) as Spec;
  return spec;
}

export interface SpecExample {
  /** "GET /BankTransactions" and the record's position in that example. */
  where: string;
  record: Json;
}

/** Every record under `envelopeKey` in the 200 examples of the spec's operations. */
export function specExamples(envelopeKey: string): SpecExample[] {
  const out: SpecExample[] = [];
  for (const [route, item] of Object.entries(loadSpec().paths)) {
    for (const [method, op] of Object.entries(item)) {
      const example = op?.responses?.["200"]?.content?.["application/json"]?.example as Json | undefined;
      const records = example && typeof example === "object" ? example[envelopeKey] : undefined;
      if (!Array.isArray(records)) continue;
      records.forEach((record, i) => out.push({ where: `${method.toUpperCase()} ${route} #${i + 1}`, record: record as Json }));
    }
  }
  return out;
}

/** The property names of a component schema (BankTransaction, ManualJournalLine …). */
export function specProperties(schema: string): string[] {
  const s = loadSpec().components.schemas[schema];
  if (!s?.properties) throw new Error(`the spec has no schema ${schema}`);
  return Object.keys(s.properties);
}
