/**
 * Checks that a mapper loses nothing of one record Xero sent: every typed column holds exactly the
 * value of the field it comes from (money as the decimal Xero wrote, dates as the calendar day),
 * the prepared row carries the record's text verbatim as raw, and every property of the spec's
 * schema is either mapped or knowingly left to raw (so a property added to the spec fails the test
 * until someone decides).
 */
import { getTableColumns, type Table } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import { expect } from "vitest";
import { JsonText, mirrorSpec, prepareMirrorRow, type MirrorRow } from "@/lib/db/queries/mirror-batch";
import type { SpecExample } from "./spec-examples";

type Json = Record<string, unknown>;
export type Conversion = "text" | "money" | "date" | "instant" | "bool";

/** Where a column's value comes from: a dotted path into the record (Contact.ContactID), or a function of it. */
export interface ColumnSource {
  column: string;
  from: string | ((wire: Json) => unknown);
  as: Conversion;
}

const BOOKKEEPING = new Set(["tenantId", "raw", "deletedInXeroAt", "firstSyncedAt", "lastSyncedAt", "changeTxid", "changeSeq"]);

function at(wire: Json, dotted: string): unknown {
  let v: unknown = wire;
  for (const part of dotted.split(".")) v = v && typeof v === "object" ? (v as Json)[part] : undefined;
  return v;
}

const MS_DATE = /^\/Date\((-?\d+)([+-]\d{4})?\)\/$/;
function msOf(v: unknown): number {
  const m = MS_DATE.exec(String(v));
  if (!m) throw new Error(`not a /Date()/: ${String(v)}`);
  return Number(m[1]);
}

/** What the column must hold for the field's value `v`. */
export function expected(v: unknown, as: Conversion): unknown {
  if (as === "bool") return v === true;
  if (v === undefined || v === null || v === "") return null;
  switch (as) {
    case "text":
      return String(v);
    case "money":
      // The literal Xero wrote: JSON numbers print back as themselves.
      return typeof v === "number" ? JSON.stringify(v) : String(v);
    case "date":
      return new Date(msOf(v)).toISOString().slice(0, 10);
    case "instant":
      return new Date(msOf(v)).toISOString();
  }
}

/** The table's column keys a mapper fills (its own, not the bookkeeping ones). */
export function mappedColumns(table: PgTable): string[] {
  return Object.keys(getTableColumns(table as Table)).filter((k) => !BOOKKEEPING.has(k));
}

export interface LosslessCase {
  table: PgTable;
  idColumn: PgColumn;
  map(tenantId: string, wire: Json, raw: unknown): MirrorRow;
  sources: readonly ColumnSource[];
}

export function expectLossless(c: LosslessCase, example: SpecExample, tenantId: string): MirrorRow {
  const wire = JSON.parse(example.text) as Json;
  const row = c.map(tenantId, wire, new JsonText(example.text));
  // Every typed column is accounted for by a source.
  expect(c.sources.map((s) => s.column).sort(), example.where).toEqual(mappedColumns(c.table).sort());
  for (const s of c.sources) {
    const v = typeof s.from === "function" ? s.from(wire) : at(wire, s.from);
    const got = row[s.column] instanceof Date ? (row[s.column] as Date).toISOString() : row[s.column];
    expect(got, `${example.where}: ${s.column}`).toEqual(expected(v, s.as));
    if (s.as === "money" && typeof got === "string") expect(Number(got)).toBe(Number(v));
  }
  const prepared = prepareMirrorRow(mirrorSpec(c.table, c.idColumn), row);
  expect(prepared.json, example.where).toContain(`"raw":${example.text}`);
  expect((JSON.parse(prepared.json) as Json).raw).toEqual(example.record);
  return row;
}

/**
 * The schema's properties are exactly those the mapper reads (the first path segment of each
 * source, plus the child tables' fields) and those knowingly left to raw.
 */
export function expectPropertiesCovered(schemaProps: readonly string[], read: readonly string[], rawOnly: readonly string[]): void {
  const covered = new Set([...read, ...rawOnly]);
  expect([...schemaProps].filter((p) => !covered.has(p)), "properties neither mapped nor left to raw").toEqual([]);
  expect([...covered].filter((p) => !schemaProps.includes(p)), "mapped properties the spec does not declare").toEqual([]);
}

/** The top-level properties a list of sources reads. */
export function propertiesRead(sources: readonly ColumnSource[], extra: readonly string[] = []): string[] {
  return [...new Set([...sources.flatMap((s) => (typeof s.from === "string" ? [s.from.split(".")[0]!] : [])), ...extra])];
}

/** Every property of the example is one the spec declares, or one real Xero is known to add. */
export function expectKnownProperties(example: SpecExample, schemaProps: readonly string[], extras: readonly string[]): void {
  expect(Object.keys(example.record).filter((k) => !schemaProps.includes(k) && !extras.includes(k)), example.where).toEqual([]);
}

/**
 * A record in which every path-sourced column's field holds a distinct value (built from the
 * sources, which cover the schema's properties): catches a column fed from the wrong field even
 * where Xero's examples happen to leave it out or repeat a value.
 */
export function everyFieldFilled(sources: readonly ColumnSource[], base: Json = {}): SpecExample {
  const record: Json = structuredClone(base);
  sources.forEach((s, i) => {
    if (typeof s.from !== "string") return;
    const value = { text: `${s.column}-${i}`, money: 1000 + i + 0.25, date: `/Date(${Date.UTC(2020, 0, 1 + i)}+0000)/`, instant: `/Date(${Date.UTC(2021, 0, 1) + i * 1001}+0000)/`, bool: true }[s.as];
    const parts = s.from.split(".");
    let node = record;
    for (const p of parts.slice(0, -1)) node = (node[p] ??= {}) as Json;
    node[parts.at(-1)!] = value;
  });
  return { where: "every mapped property filled", record, text: JSON.stringify(record) };
}
