import type { Db } from "@/lib/db";
import { csvResponse, csvText, csvValue } from "@/lib/lists/csv";
import { listUserTenants, type Reader } from "@/lib/lists/tenant-scope";
import type { EntityDefinition, FieldSpec } from "./definition";
import { entityExtras } from "./read-model-extras";
import { entityBatches, type EntityDetail, type EntityRow } from "./read-model";
import type { EntityQuery } from "./read-model-params";
import { entitySlug } from "./registry";

/**
 * An entity's records as the CSV export and the read API write them, from the view: the CSV's
 * columns are `view.csv` (default every field), the API's fields `view.api` (default every field).
 * Money stays the decimal string PostgreSQL returned, dates YYYY-MM-DD, instants ISO-8601 UTC.
 */

function fieldsByKeys(def: EntityDefinition, keys: readonly string[] | undefined): FieldSpec[] {
  if (!keys) return [...def.view.fields];
  return keys.map((k) => {
    const f = def.view.fields.find((x) => x.key === k);
    if (!f) throw new Error(`${def.name}: no field ${k}`);
    return f;
  });
}

function flagLabel(def: EntityDefinition, key: string): string {
  return def.view.filters.find((f) => f.key === key)?.label.replace(/ only$/, "") ?? key;
}

export function csvHeader(def: EntityDefinition): string[] {
  const fields = fieldsByKeys(def, def.view.csv);
  return [
    "Organisation",
    ...fields.map((f) => (f.kind === "instant" ? `${f.label} (UTC)` : f.label)),
    ...(def.view.flags ?? []).map((k) => flagLabel(def, k)),
    ...(entityExtras(def.name)?.csv?.header ?? []),
    "Deleted in Xero (UTC)",
    `${def.singular} ID`,
  ];
}

/** One CSV cell: text from Xero or a person is defused (csvText); only values we produce are verbatim. */
function csvCell(f: FieldSpec, v: unknown): string {
  if (v === null || v === undefined) return "";
  switch (f.kind) {
    case "money":
    case "number":
    case "date":
      return csvValue(String(v));
    case "instant":
      return v instanceof Date ? csvValue(v) : csvText(String(v));
    case "boolean":
      return csvValue(v ? "yes" : "no");
    default:
      return csvText(String(v));
  }
}

export function csvCells(def: EntityDefinition, row: EntityRow, orgName: string | undefined): string[] {
  const fields = fieldsByKeys(def, def.view.csv);
  return [
    csvText(orgName),
    ...fields.map((f) => csvCell(f, row.values[f.key])),
    ...(def.view.flags ?? []).map((k) => csvValue(row.flags.includes(k) ? "yes" : "no")),
    ...(entityExtras(def.name)?.csv?.cells(row) ?? []),
    csvValue(row.deletedInXeroAt),
    csvText(row.id),
  ];
}

/** The filtered list as a streamed CSV response, read in keyset batches of `batchSize`. */
export async function entityCsvResponse(db: Db, reader: Reader, def: EntityDefinition, query: EntityQuery, now = new Date(), batchSize = 2000): Promise<Response> {
  const names = new Map((await listUserTenants(db, reader)).map((t) => [t.id, t.name]));
  async function* rows() {
    for await (const batch of entityBatches(db, reader, def, query, batchSize, now)) yield batch.map((r) => csvCells(def, r, names.get(r.tenantId)));
  }
  return csvResponse(`${entitySlug(def)}-${now.toISOString().slice(0, 10)}.csv`, csvHeader(def), rows());
}

/** The record's id under the name Xero's own id field has, camel-cased (InvoiceID → invoiceId). */
export function apiIdKey(def: EntityDefinition): string {
  const field = def.xero.idField.replace(/ID$/, "Id");
  return field[0]!.toLowerCase() + field.slice(1);
}

function apiValue(v: unknown): unknown {
  return v instanceof Date ? v.toISOString() : (v ?? null);
}

/** One record of the read API: tenant, id, the view's API fields, flags, when Xero last changed it. */
export function apiRecord(def: EntityDefinition, row: EntityRow): Record<string, unknown> {
  const out: Record<string, unknown> = { tenantId: row.tenantId, [apiIdKey(def)]: row.id };
  for (const f of fieldsByKeys(def, def.view.api)) if (f.key !== "xeroUpdatedAt") out[f.key] = apiValue(row.values[f.key]);
  for (const k of def.view.flags ?? []) out[k] = row.flags.includes(k);
  Object.assign(out, entityExtras(def.name)?.api?.(row));
  out.deletedInXero = row.deletedInXeroAt ? row.deletedInXeroAt.toISOString() : null;
  out.updatedDateUTC = row.xeroUpdatedAt ? row.xeroUpdatedAt.toISOString() : null;
  return out;
}

/** One record of the read API with Xero's JSON (`raw`) and the ids of its related records per relation of the view. */
export function apiRecordDetail(def: EntityDefinition, detail: EntityDetail): Record<string, unknown> {
  return {
    ...apiRecord(def, detail.row),
    raw: detail.record.raw,
    related: detail.relations.map((r) => ({
      entity: entitySlug(r.def),
      label: r.spec.label,
      total: r.total,
      ids: r.rows.map((x) => ({ tenantId: x.tenantId, [apiIdKey(r.def)]: x.id })),
    })),
  };
}
