import { isEnabledEntity } from "@/lib/entities/enabled";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Suspense } from "react";
import { requireDashboardUser } from "@/app/(dashboard)/_components/user";
import { getDb } from "@/lib/db";
import type { EntityDefinition } from "@/lib/entities/definition";
import { getRecordTitle, listEntity } from "@/lib/entities/read-model";
import { entityParamNames, filterParams, isFiltered, parseEntityQuery, type EntityQuery } from "@/lib/entities/read-model-params";
import { entityByName, entityBySlug, entitySlug } from "@/lib/entities/registry";
import type { RawSearchParams } from "@/lib/lists/search-params";
import { listUserTenants } from "@/lib/lists/tenant-scope";
import { FieldValue, fieldOf, recordHref, RowMarks, statusLabel } from "@/app/(dashboard)/_components/entity";
import { FilterForm, Hidden, Input, Select } from "@/app/(dashboard)/_components/filters";
import { EmptyState, Pager, SortTh, Table, Td, Th } from "@/app/(dashboard)/_components/table";
import { flatParams, hrefWith, type Params } from "@/app/(dashboard)/_components/url";
import { pageExtras } from "../_extras";
import { EntityTotals, TotalsSkeleton } from "./totals";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ entity: string }>; searchParams: Promise<RawSearchParams> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const def = entityBySlug((await params).entity);
  return { title: def?.label ?? "Not found" };
}

/** Every entity's list: the filters, sorts and search of its view, keyset pages, totals per currency. */
export default async function EntityListPage({ params, searchParams }: Props) {
  const def = entityBySlug((await params).entity);
  if (!def) notFound();
  const base = `/${entitySlug(def)}`;
  const user = await requireDashboardUser(base);
  const raw = await searchParams;
  const query = parseEntityQuery(def, raw);
  const urlParams = flatParams(raw, entityParamNames(def));
  const db = await getDb();
  const now = new Date();
  const refFilters = def.view.filters.filter((f) => f.kind === "ref" && query.filters[f.key] !== undefined);
  const [tenants, page, refTitles] = await Promise.all([
    listUserTenants(db, user),
    listEntity(db, user, def, query, now),
    Promise.all(
      refFilters.map(async (f) => {
        const other = f.kind === "ref" ? entityByName(f.entity) : undefined;
        return other ? getRecordTitle(db, user, other, String(query.filters[f.key])) : undefined;
      }),
    ),
  ]);
  const multiOrg = tenants.length > 1;
  const orgName = new Map(tenants.map((t) => [t.id, t.name]));
  const noun = def.label.toLowerCase();
  const filtered = isFiltered(query);
  const extras = pageExtras(def.name);

  if (tenants.length === 0) {
    return (
      <>
        <h1 className="mb-4 text-2xl font-semibold tracking-tight text-ink">{def.label}</h1>
        <EmptyState title={`No ${noun} yet`} action={<Link href="/dashboard" className="rounded-md bg-brand-700 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-600">Connect Xero</Link>}>
          Connect a Xero organisation and its {noun} appear here after the first sync.
        </EmptyState>
      </>
    );
  }

  const columns = def.view.columns.map((k) => fieldOf(def, k));
  const current = { sort: query.sort, dir: query.dir };
  const sortOf = (key: string) => def.view.sorts.find((s) => s.column === key);
  const moneyColumn = columns.find((f) => f.kind === "money");
  const statusColumn = columns.find((f) => f.kind === "status");

  return (
    <>
      <div className="mb-4 flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-semibold tracking-tight text-ink">{def.label}</h1>
        <a href={hrefWith(`${base}/export`, urlParams, {}, { resetPaging: true })} download className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-medium text-slate-700 shadow-sm hover:bg-slate-50">
          Export CSV
        </a>
      </div>

      <FilterBar def={def} base={base} query={query} params={urlParams} tenants={multiOrg ? tenants : null} />

      {refFilters.map((f, i) => (
        <p key={f.key} className="mb-3 flex items-center gap-2 text-sm text-slate-700">
          {f.label}: <span className="font-medium">{refTitles[i] ?? `selected ${f.label.toLowerCase()}`}</span>
          <Link href={hrefWith(base, urlParams, { [f.key]: undefined }, { resetPaging: true })} className="text-brand-700 hover:underline">
            Remove<span className="sr-only"> {f.label.toLowerCase()} filter</span>
          </Link>
        </p>
      ))}

      {def.view.totals ? (
        <Suspense fallback={<TotalsSkeleton />}>
          <EntityTotals reader={user} def={def} query={query} />
        </Suspense>
      ) : null}

      {page.rows.length === 0 ? (
        <EmptyState
          title={filtered ? `No ${noun} match these filters` : isEnabledEntity(def.name) ? `No ${noun} synced yet` : `${def.label} are not synced here`}
          action={filtered ? <Link href={base} className="text-sm font-medium text-brand-700 hover:underline">Clear filters</Link> : undefined}
        >
          {filtered
            ? "Try a broader search or another filter."
            : isEnabledEntity(def.name)
              ? "They appear here after the first sync of your organisation."
              : `This installation does not mirror ${noun}: add ${def.name} to XERO_SYNC_ENTITIES (and connect again, for the ${def.xero.scopes[0]} scope) to sync them.`}
        </EmptyState>
      ) : (
        <>
          <Table caption={def.label}>
            <thead>
              <tr>
                {columns.map((f, i) => {
                  const sort = sortOf(f.key);
                  const align = f.kind === "money" || f.kind === "number" ? "right" : "left";
                  const cell = sort ? (
                    <SortTh key={f.key} label={f.label} sort={sort.key} current={current} base={base} params={urlParams} align={align} defaultDir={sort.defaultDir} />
                  ) : (
                    <Th key={f.key} align={align}>
                      {f.label}
                    </Th>
                  );
                  return i === 1 && multiOrg ? [cell, <Th key="_org">Organisation</Th>] : cell;
                })}
                {(extras.listColumns ?? []).map((c) => (
                  <Th key={c.header} align={c.align}>
                    {c.header}
                  </Th>
                ))}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {page.rows.map((r) => {
                const muted = r.cancelled || r.deletedInXeroAt;
                return (
                  <tr key={`${r.tenantId}:${r.id}`} className={muted ? "bg-slate-50/70 text-slate-500" : r.flags.length ? "bg-amber-50/40" : "hover:bg-slate-50"}>
                    {columns.map((f, i) => {
                      const align = f.kind === "money" || f.kind === "number" ? "right" : "left";
                      const cell =
                        i === 0 ? (
                          <Td key={f.key} className="max-w-[18rem] truncate">
                            <Link href={recordHref(def, r.tenantId, r.id)} className={`font-medium text-brand-700 hover:underline ${muted ? "line-through" : ""}`}>
                              {f.key === def.view.titleKey && (r.values[f.key] ?? "") === "" ? <span className="italic">No {f.label.toLowerCase()}</span> : <FieldValue def={def} field={{ ...f, ref: undefined }} row={r} now={now} />}
                            </Link>
                            {statusColumn ? null : (
                              <span className="ml-2 inline-flex gap-1 align-middle">
                                <RowMarks def={def} row={r} />
                              </span>
                            )}
                            {/* Phones: the essentials under the title, the other columns scroll. */}
                            <span aria-hidden="true" className="mt-0.5 block text-xs text-slate-600 sm:hidden">
                              {[
                                moneyColumn ? <FieldValue key="m" def={def} field={moneyColumn} row={r} now={now} /> : null,
                                statusColumn && r.values[statusColumn.key] ? statusLabel(def, statusColumn.key, String(r.values[statusColumn.key])).toLowerCase() : null,
                              ]
                                .filter(Boolean)
                                .map((x, j) => (
                                  <span key={j}>
                                    {j > 0 ? " · " : ""}
                                    {x}
                                  </span>
                                ))}
                            </span>
                          </Td>
                        ) : (
                          <Td key={f.key} align={align} className={`max-w-[16rem] truncate ${f.kind === "instant" ? "text-slate-600" : ""}`}>
                            {f.kind === "status" ? (
                              <span className="flex gap-1">
                                <FieldValue def={def} field={f} row={r} now={now} />
                                <RowMarks def={def} row={r} />
                              </span>
                            ) : (
                              <FieldValue def={def} field={f} row={r} now={now} />
                            )}
                          </Td>
                        );
                      return i === 1 && multiOrg ? [cell, <Td key="_org" className="text-slate-600">{orgName.get(r.tenantId)}</Td>] : cell;
                    })}
                    {(extras.listColumns ?? []).map((c) => (
                      <Td key={c.header} align={c.align}>
                        {c.cell(r)}
                      </Td>
                    ))}
                  </tr>
                );
              })}
            </tbody>
          </Table>
          <Pager
            base={base}
            params={urlParams}
            page={query.last ? Math.max(1, Math.ceil(page.total / query.size)) : query.page}
            next={page.next}
            prev={page.prev}
            shown={page.rows.length}
            total={page.total}
            size={query.size}
            noun={noun}
          />
        </>
      )}
    </>
  );
}

/** The view's filters as a GET form: search, organisation, then each filter by its kind. */
function FilterBar({ def, base, query, params, tenants }: { def: EntityDefinition; base: string; query: EntityQuery; params: Params; tenants: { id: string; name: string }[] | null }) {
  const searchLabels = def.view.search.map((k) => fieldOf(def, k).label.toLowerCase());
  const hiddenRefs = Object.fromEntries(def.view.filters.filter((f) => f.kind === "ref").map((f) => [f.key, params[f.key]]));
  return (
    <FilterForm action={base} resetHref={base}>
      {def.view.search.length ? (
        <Input name="q" label="Search" value={query.q} placeholder={searchLabels.join(", ").replace(/^./, (c) => c.toUpperCase()).replace(/, ([^,]*)$/, " or $1")} className="min-w-[14rem] flex-1" />
      ) : null}
      {tenants ? <Select name="org" label="Organisation" value={query.tenant} options={[["", "All organisations"], ...tenants.map((t): [string, string] => [t.id, t.name])]} /> : null}
      {def.view.filters.map((f) => {
        const value = query.filters[f.key];
        switch (f.kind) {
          case "enum":
            return <Select key={f.key} name={f.key} label={f.label} value={value as string | undefined} options={[["", `Any ${f.label.toLowerCase()}`], ...f.values.map((v): [string, string] => [v, f.labels?.[v] ?? statusLabel(def, f.column, v)])]} />;
          case "choice":
            return <Select key={f.key} name={f.key} label={f.label} value={value as string | undefined} options={[["", `Any ${f.label.toLowerCase()}`], ...f.options.map((o): [string, string] => [o.value, o.label])]} />;
          case "boolean":
            return <Select key={f.key} name={f.key} label={f.label} value={value === undefined ? undefined : value ? "1" : "0"} options={[["", "Either"], ["1", "Yes"], ["0", "No"]]} />;
          case "dateRange": {
            const [from, to] = filterParams(f) as [string, string];
            const range = (value ?? {}) as { from?: string; to?: string };
            return [
              <Input key={from} name={from} label={`${f.label} from`} type="date" value={range.from} />,
              <Input key={to} name={to} label={`${f.label} to`} type="date" value={range.to} />,
            ];
          }
          case "condition":
            return (
              <label key={f.key} className="flex items-center gap-2 self-center pt-4 text-sm text-slate-700">
                <input type="checkbox" name={f.key} value="1" defaultChecked={value === true} className="h-4 w-4 rounded border-slate-300 accent-brand-700" />
                {f.label}
              </label>
            );
          case "ref":
            return null; // set from a record's page, shown above the table with Remove
        }
      })}
      <Hidden values={{ sort: params.sort, dir: params.dir, size: params.size, ...hiddenRefs, ...(tenants ? {} : { org: query.tenant }) }} />
    </FilterForm>
  );
}
