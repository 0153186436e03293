import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { requireDashboardUser } from "@/app/(dashboard)/_components/user";
import { getDb } from "@/lib/db";
import { getEntityDetail, type RelatedRecords } from "@/lib/entities/read-model";
import { entityBySlug, entitySlug } from "@/lib/entities/registry";
import { OutcomeBadge } from "@/app/(dashboard)/_components/badges";
import { FieldValue, fieldOf, recordHref, recordTitle, RowMarks } from "@/app/(dashboard)/_components/entity";
import { formatInt } from "@/app/(dashboard)/_components/format";
import { EmptyState, Table, Td, Th } from "@/app/(dashboard)/_components/table";
import { RelativeTime } from "@/app/(dashboard)/_components/time";
import { pageExtras } from "../../_extras";

export const dynamic = "force-dynamic";

/** A URL segment decoded, or as it came when it is not valid percent-encoding (then no record matches). */
function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

type Props = { params: Promise<{ entity: string; tenantId: string; id: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { entity, id } = await params;
  const def = entityBySlug(entity);
  return { title: def ? `${def.singular} ${safeDecode(id).slice(0, 8)}` : "Not found" };
}

/** One record of any entity: every field of its view, its relations, Xero's JSON and its sync history. */
export default async function EntityDetailPage({ params }: Props) {
  const { entity, tenantId, id: rawId } = await params;
  const def = entityBySlug(entity);
  if (!def) notFound();
  const base = `/${entitySlug(def)}`;
  const user = await requireDashboardUser(base);
  const now = new Date();
  const detail = await getEntityDetail(await getDb(), user, def, tenantId, safeDecode(rawId), now);
  if (!detail) notFound();
  const { row, record, tenant, relations, children, syncs } = detail;
  const extras = pageExtras(def.name);
  const title = recordTitle(def, row);
  const status = def.view.fields.find((f) => f.kind === "status");
  const raw = JSON.stringify(record.raw, null, 2);

  return (
    <article>
      <nav aria-label="Breadcrumb" className="mb-3 text-sm text-slate-600">
        <Link href={base} className="text-brand-700 hover:underline">
          {def.label}
        </Link>{" "}
        / <span>{title}</span>
      </nav>
      <header className="mb-5 flex flex-wrap items-start justify-between gap-4 rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
        <div>
          <p className="text-xs font-medium uppercase tracking-wide text-slate-500">
            {def.singular} · {tenant.name}
          </p>
          <h1 className={`mt-1 text-2xl font-semibold tracking-tight text-ink ${row.cancelled || row.deletedInXeroAt ? "line-through decoration-slate-400" : ""}`}>{title}</h1>
          <div className="mt-2 flex flex-wrap items-center gap-2">
            {status ? <FieldValue def={def} field={status} row={row} now={now} /> : null}
            <RowMarks def={def} row={row} />
            {(row.cancelled || row.deletedInXeroAt) && def.view.totals ? <span className="text-xs text-slate-500">Excluded from totals</span> : null}
          </div>
          {row.deletedInXeroAt ? (
            <p className="mt-2 text-sm text-red-800">
              Deleted in Xero: Xero stopped returning this {def.singular.toLowerCase()} <RelativeTime date={row.deletedInXeroAt} now={now} />. It is kept here as it was last synced.
            </p>
          ) : null}
        </div>
        {extras.headerActions ? <div className="flex flex-col items-end gap-2">{extras.headerActions(detail)}</div> : null}
      </header>

      <section aria-label="Fields" className="mb-6 rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
        <dl className="grid gap-x-6 gap-y-3 text-sm sm:grid-cols-2 lg:grid-cols-4">
          {def.view.fields.map((f) => (
            <div key={f.key} className="min-w-0">
              <dt className="text-slate-500">{f.label}</dt>
              <dd className={`truncate text-ink ${f.kind === "money" || f.kind === "number" ? "tabular-nums" : ""}`}>
                <FieldValue def={def} field={f} row={row} now={now} detail />
              </dd>
            </div>
          ))}
        </dl>
      </section>

      {extras.detailSections ? extras.detailSections(detail) : null}

      {children.map((c) => (
        <section key={c.label} aria-label={c.label} className="mb-6">
          <h2 className="mb-2 text-base font-semibold text-ink">
            {c.label} <span className="font-normal text-slate-500">({formatInt(c.total)})</span>
          </h2>
          {c.rows.length === 0 ? (
            <p className="rounded-lg border border-slate-200 bg-white p-4 text-sm text-slate-600 shadow-sm">None.</p>
          ) : (
            <Table caption={`${c.label} of this ${def.singular.toLowerCase()}`}>
              <thead>
                <tr>
                  {c.fields.map((f) => (
                    <Th key={f.key} align={f.kind === "money" || f.kind === "number" ? "right" : undefined}>
                      {f.label}
                    </Th>
                  ))}
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {c.rows.map((child, i) => (
                  <tr key={i}>
                    {c.fields.map((f) => (
                      <Td key={f.key} align={f.kind === "money" || f.kind === "number" ? "right" : undefined}>
                        <FieldValue def={def} field={f} row={{ ...row, values: { ...row.values, ...child } }} now={now} />
                      </Td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </Table>
          )}
          {c.total > c.rows.length ? <p className="mt-2 text-sm text-slate-600">Showing the first {formatInt(c.rows.length)}; Xero&apos;s JSON below has them all.</p> : null}
        </section>
      ))}

      {relations.map((rel) => (
        <Relation key={rel.spec.label} rel={rel} parent={def.name} now={now} />
      ))}

      <div className="grid gap-6 lg:grid-cols-2">
        <section aria-labelledby="syncs">
          <h2 id="syncs" className="mb-2 text-base font-semibold text-ink">
            Sync history
          </h2>
          <p className="mb-2 text-sm text-slate-600">
            First stored <RelativeTime date={record.firstSyncedAt as Date} now={now} />
            {row.xeroUpdatedAt ? (
              <>
                , last changed in Xero <RelativeTime date={row.xeroUpdatedAt} now={now} />
              </>
            ) : null}
            , last written <RelativeTime date={record.lastSyncedAt as Date} now={now} />.
          </p>
          {syncs.length === 0 ? (
            <p className="rounded-lg border border-slate-200 bg-white p-4 text-sm text-slate-600 shadow-sm">No sync runs recorded around this {def.singular.toLowerCase()}.</p>
          ) : (
            <Table caption={`Syncs of this organisation's ${def.label.toLowerCase()} around this ${def.singular.toLowerCase()}`}>
              <thead>
                <tr>
                  <Th>Started</Th>
                  <Th>Outcome</Th>
                  <Th align="right">Fetched</Th>
                  <Th align="right">Written</Th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {syncs.map((s) => (
                  <tr key={s.id}>
                    <Td>
                      <RelativeTime date={s.startedAt} now={now} />
                    </Td>
                    <Td>
                      <OutcomeBadge outcome={s.outcome} />
                    </Td>
                    <Td align="right">{formatInt(s.recordsFetched)}</Td>
                    <Td align="right">{formatInt(s.recordsInserted + s.recordsUpdated)}</Td>
                  </tr>
                ))}
              </tbody>
            </Table>
          )}
        </section>

        <section aria-labelledby="raw">
          <h2 id="raw" className="mb-2 text-base font-semibold text-ink">
            Xero&apos;s JSON
          </h2>
          <details className="rounded-lg border border-slate-200 bg-white shadow-sm">
            <summary className="cursor-pointer px-4 py-3 text-sm font-medium text-slate-700">Show the record as Xero sent it ({formatInt(raw.length)} characters)</summary>
            <pre tabIndex={0} aria-label={`Xero's JSON of this ${def.singular.toLowerCase()}`} className="max-h-[32rem] overflow-auto border-t border-slate-100 p-4 text-xs text-slate-800">{raw.length > 200_000 ? `${raw.slice(0, 200_000)}\n…` : raw}</pre>
          </details>
        </section>
      </div>
    </article>
  );
}

/** Another entity's records related to this one, as a small table linking to each. */
function Relation({ rel, parent, now }: { rel: RelatedRecords; parent: string; now: Date }) {
  const { def } = rel;
  const id = `rel-${def.name}-${rel.spec.label.replace(/\W+/g, "-")}`;
  // The parent itself (the contact of each of its invoices) is not repeated on every row.
  const columns = def.view.columns
    .map((k) => fieldOf(def, k))
    .filter((f, i) => i === 0 || (f.ref?.entity !== parent && f.key !== rel.spec.column))
    .slice(0, 7);
  return (
    <section aria-labelledby={id} className="mb-6">
      <div className="mb-2 flex items-center justify-between">
        <h2 id={id} className="text-base font-semibold text-ink">
          {rel.spec.label} {rel.total ? <span className="font-normal text-slate-500">({formatInt(rel.total)})</span> : null}
        </h2>
        {rel.listHref && rel.total > rel.rows.length ? (
          <Link href={rel.listHref} className="text-sm font-medium text-brand-700 hover:underline">
            View all {formatInt(rel.total)} →
          </Link>
        ) : null}
      </div>
      {rel.rows.length === 0 ? (
        <EmptyState title={`No ${rel.spec.label.toLowerCase()}`} />
      ) : (
        <Table caption={rel.spec.label}>
          <thead>
            <tr>
              {columns.map((f) => (
                <Th key={f.key} align={f.kind === "money" || f.kind === "number" ? "right" : "left"}>
                  {f.label}
                </Th>
              ))}
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {rel.rows.map((r) => (
              <tr key={r.id} className={r.cancelled || r.deletedInXeroAt ? "text-slate-500" : "hover:bg-slate-50"}>
                {columns.map((f, i) => (
                  <Td key={f.key} align={f.kind === "money" || f.kind === "number" ? "right" : "left"}>
                    {i === 0 ? (
                      <Link href={recordHref(def, r.tenantId, r.id)} className={`font-medium text-brand-700 hover:underline ${r.cancelled ? "line-through" : ""}`}>
                        {recordTitle(def, r)}
                      </Link>
                    ) : f.kind === "status" ? (
                      <span className="flex gap-1">
                        <FieldValue def={def} field={f} row={r} now={now} />
                        <RowMarks def={def} row={r} />
                      </span>
                    ) : (
                      <FieldValue def={def} field={f} row={r} now={now} />
                    )}
                  </Td>
                ))}
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </section>
  );
}
