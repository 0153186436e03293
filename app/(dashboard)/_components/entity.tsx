import Link from "next/link";
import type { EntityDefinition, EntityGroup, FieldSpec } from "@/lib/entities/definition";
import { ENTITIES, entityByName, entitySlug } from "@/lib/entities/registry";
import type { EntityRow } from "@/lib/entities/read-model";
import { Badge, type Tone } from "./badges";
import { formatDate, formatMoney, formatUtc } from "./format";
import { RelativeTime } from "./time";

/**
 * How one field of any entity is shown, by its kind: money with its currency (formatted from the
 * decimal string, never a float), calendar dates as the organisation's day, instants relative with
 * the exact UTC time on hover, statuses as badges, refs linked to the other record's page.
 */

export const GROUP_LABELS: Record<EntityGroup, string> = {
  sales: "Sales",
  purchases: "Purchases",
  banking: "Banking",
  accounting: "Accounting",
  lists: "Lists",
};

/** The registry's entities by group, in the order a sync walks them. */
export function entitiesByGroup(): { group: EntityGroup; label: string; entities: EntityDefinition[] }[] {
  return (Object.keys(GROUP_LABELS) as EntityGroup[])
    .map((group) => ({ group, label: GROUP_LABELS[group], entities: ENTITIES.filter((e) => e.group === group) }))
    .filter((g) => g.entities.length > 0);
}

export function recordHref(def: Pick<EntityDefinition, "name">, tenantId: string, id: string): string {
  return `/${entitySlug(def)}/${tenantId}/${encodeURIComponent(id)}`;
}

// Xero's statuses mean much the same across its entities; the tone says how settled a record is.
const STATUS_TONES: Record<string, Tone> = {
  PAID: "green",
  ACTIVE: "green",
  RECONCILED: "green",
  BILLED: "green",
  AUTHORISED: "blue",
  SUBMITTED: "amber",
  GDPRREQUEST: "amber",
  DRAFT: "slate",
  ARCHIVED: "slate",
};

/** A status's label for people: the view's filter labels, else the code in sentence case. */
export function statusLabel(def: EntityDefinition, key: string, value: string): string {
  const filter = def.view.filters.find((f) => f.kind === "enum" && f.column === key);
  const label = filter?.kind === "enum" ? filter.labels?.[value] : undefined;
  return label ?? value.charAt(0) + value.slice(1).toLowerCase().replace(/_/g, " ");
}

export function StatusBadge({ def, fieldKey, value }: { def: EntityDefinition; fieldKey: string; value: string }) {
  const cancelled = def.deletes.statusKey === fieldKey && def.deletes.statuses.includes(value);
  return <Badge color={cancelled ? "red" : (STATUS_TONES[value] ?? "slate")}>{statusLabel(def, fieldKey, value)}</Badge>;
}

/** A flag's label (the condition filter's, "Overdue only" → "Overdue"). */
export function flagLabel(def: EntityDefinition, key: string): string {
  return def.view.filters.find((f) => f.key === key)?.label.replace(/ only$/, "") ?? key;
}

/** The marks of a row besides its status: its flags and "Deleted in Xero". */
export function RowMarks({ def, row }: { def: EntityDefinition; row: EntityRow }) {
  return (
    <>
      {row.flags.map((k) => (
        <Badge key={k} color="amber">
          {flagLabel(def, k)}
        </Badge>
      ))}
      {row.deletedInXeroAt ? (
        <Badge color="red" title={`Xero stopped returning it ${formatUtc(row.deletedInXeroAt)}`}>
          Deleted in Xero
        </Badge>
      ) : null}
    </>
  );
}

/** Trailing zeros of a decimal string dropped ("1.2500000000" → "1.25"), as text: never a float. */
export function formatDecimal(v: string): string {
  return /^-?\d+\.\d+$/.test(v) ? v.replace(/\.?0+$/, "") : v;
}

export function FieldValue({ def, field, row, now, detail = false }: { def: EntityDefinition; field: FieldSpec; row: EntityRow; now: Date; detail?: boolean }) {
  const v = row.values[field.key];
  if (v === null || v === undefined || v === "") return <span className="text-slate-400">—</span>;
  switch (field.kind) {
    case "money":
      return <>{formatMoney(String(v), field.currencyKey ? (row.values[field.currencyKey] as string | null) : null)}</>;
    case "number":
      return <>{formatDecimal(String(v))}</>;
    case "date":
      return <>{formatDate(String(v))}</>;
    case "instant":
      return v instanceof Date ? (
        detail ? (
          <>
            {formatUtc(v)} (<RelativeTime date={v} now={now} />)
          </>
        ) : (
          <RelativeTime date={v} now={now} />
        )
      ) : (
        <>{String(v)}</>
      );
    case "status":
      return <StatusBadge def={def} fieldKey={field.key} value={String(v)} />;
    case "boolean":
      return v ? <>Yes</> : detail ? <>No</> : <span className="text-slate-400">—</span>;
    default: {
      const text = String(v);
      const other = field.ref ? entityByName(field.ref.entity) : undefined;
      const id = field.ref?.idKey ? row.values[field.ref.idKey] : v;
      if (other && typeof id === "string" && id) {
        return (
          <Link href={recordHref(other, row.tenantId, id)} className="text-brand-700 hover:underline" title={field.ref?.idKey ? undefined : `${other.singular} ${text}`}>
            {field.kind === "code" && !field.ref?.idKey ? <span className="font-mono text-xs">{text}</span> : text}
          </Link>
        );
      }
      return field.kind === "code" ? <span className="font-mono text-xs">{text}</span> : <>{text}</>;
    }
  }
}

export function fieldOf(def: EntityDefinition, key: string): FieldSpec {
  const f = def.view.fields.find((x) => x.key === key);
  if (!f) throw new Error(`${def.name}: no field ${key}`);
  return f;
}

/** The record's title (number, name), or a placeholder that says what is missing. */
export function recordTitle(def: EntityDefinition, row: EntityRow): string {
  const v = row.values[def.view.titleKey];
  return v === null || v === undefined || v === "" ? `${def.singular} without a ${fieldOf(def, def.view.titleKey).label.toLowerCase()}` : String(v);
}
