/**
 * Every record of one Xero entity in the response examples of Xero's official OpenAPI spec, and
 * a check that a mapper loses none of it: each column equals what its wire field says, the raw
 * JSON is the record as sent, and every field of the record is either mapped to a column or
 * named as kept only in raw (a field the spec adds later fails the test until one is chosen).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { expect } from "vitest";
import { parse } from "yaml";
import { JsonText, mirrorSpec, prepareMirrorRow, type MirrorRow } from "@/lib/db/queries/mirror-batch";
import type { EntityDefinition } from "@/lib/entities/definition";

const SPEC = path.resolve(__dirname, "../../../../shared/xero-openapi/xero_accounting.yaml");

type Json = Record<string, unknown>;
let doc: Json | undefined;

/** The records under `key` in every response example, with where each came from. */
export function specExamples(key: string): { where: string; record: Json }[] {
  doc ??= parse(readFileSync(SPEC, "utf8")) as Json;
  const out: { where: string; record: Json }[] = [];
  const visit = (node: unknown, at: string[]) => {
    if (!node || typeof node !== "object") return;
    for (const [k, v] of Object.entries(node as Json)) {
      if ((k === "example" || k === "value") && at.includes("responses")) {
        let value: unknown = v;
        if (typeof v === "string") {
          try {
            value = JSON.parse(v);
          } catch {
            value = undefined;
          }
        }
        const list = value && typeof value === "object" ? (value as Json)[key] : undefined;
        if (Array.isArray(list)) list.forEach((record, i) => out.push({ where: `${at.join(" ")} [${i}]`, record: record as Json }));
      }
      visit(v, [...at, k]);
    }
  };
  visit(doc.paths, []);
  return out;
}

/** A column and the wire field it comes from (a dotted path), converted as the column stores it. */
export type FieldMap = readonly [column: string, wirePath: string, convert?: (v: unknown) => unknown][];

export const get = (o: unknown, p: string): unknown => p.split(".").reduce<unknown>((v, k) => (v && typeof v === "object" ? (v as Json)[k] : undefined), o);
/** Text columns: empty and absent are null. */
export const text = (v: unknown) => (v === undefined || v === null || v === "" ? null : String(v));
export const bool = (v: unknown) => v === true || v === "true";
/** Money and rates: the exact decimal as Xero sent it. */
export const decimal = (v: unknown) => (v === undefined || v === null ? null : String(v));

/**
 * Maps `record` with the definition and checks it against `fields`; `rawOnly` names the record's
 * fields deliberately left to raw. Returns the row.
 */
export function expectLossless(def: EntityDefinition, record: Json, fields: FieldMap, rawOnly: readonly string[]): MirrorRow {
  const tenantId = "00000000-0000-4000-8000-000000000001";
  const text = JSON.stringify(record);
  const row = def.map(tenantId, JSON.parse(text) as Json, new JsonText(text)) as MirrorRow;
  for (const [column, wirePath, convert] of fields) {
    const want = (convert ?? ((v: unknown) => v))(get(record, wirePath));
    expect({ column, value: row[column] }).toEqual({ column, value: want });
  }
  const covered = new Set([...fields.map(([, p]) => p.split(".")[0]!), ...rawOnly]);
  expect(Object.keys(record).filter((k) => !covered.has(k))).toEqual([]);
  // The row is what the write sends: its JSON carries the record exactly as Xero sent it.
  const prepared = prepareMirrorRow(mirrorSpec(def.table, def.idColumn), row);
  expect((JSON.parse(prepared.json) as Json).raw).toEqual(record);
  expect(prepared.id).toBe(get(record, def.xero.idField));
  return row;
}
