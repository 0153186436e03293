/**
 * Xero's own examples and property lists from its OpenAPI description of the Accounting API
 * (../shared/xero-openapi/xero_accounting.yaml), for the mappers' tests: every record of an
 * entity's envelope in any response example, and the properties its component schema declares.
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
function load(): Spec {
  spec ??= parse(readFileSync(path.resolve(process.cwd(), "../shared/xero-openapi/xero_accounting.yaml"), "utf8")) as Spec;
  return spec;
}

export interface SpecExample {
  /** "GET /CreditNotes 200 #1": where in the spec the record is. */
  where: string;
  record: Json;
  /** The record as JSON text, the way the sync receives it. */
  text: string;
}

/** Every record under `envelope` (e.g. "CreditNotes") in the spec's response examples. */
export function specExamples(envelope: string): SpecExample[] {
  const out: SpecExample[] = [];
  for (const [p, ops] of Object.entries(load().paths)) {
    for (const [method, op] of Object.entries(ops)) {
      for (const [status, response] of Object.entries(op?.responses ?? {})) {
        const example = response?.content?.["application/json"]?.example;
        if (example === undefined) continue;
        const body = (typeof example === "string" ? JSON.parse(example) : example) as Json;
        const records = body[envelope];
        if (!Array.isArray(records)) continue;
        records.forEach((record: Json, i) => out.push({ where: `${method.toUpperCase()} ${p} ${status} #${i + 1}`, record, text: JSON.stringify(record) }));
      }
    }
  }
  return out;
}

/** The properties the spec's component schema (e.g. "CreditNote") declares. */
export function specProperties(schema: string): string[] {
  const s = load().components.schemas[schema];
  if (!s?.properties) throw new Error(`no schema ${schema}`);
  return Object.keys(s.properties);
}
