import Link from "next/link";
import { hrefWith, type Params } from "./url";

/** Scrolls horizontally on narrow screens; the caption names the table for screen readers. */
export function Table({ caption, children }: { caption: string; children: React.ReactNode }) {
  return (
    <div className="relative overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm" role="region" aria-label={caption} tabIndex={0}>
      <table className="min-w-full divide-y divide-slate-200 text-sm">
        <caption className="sr-only">{caption}</caption>
        {children}
      </table>
    </div>
  );
}

export function Th({ children, align = "left", className = "" }: { children?: React.ReactNode; align?: "left" | "right"; className?: string }) {
  return (
    <th scope="col" className={`whitespace-nowrap bg-slate-50 px-3 py-2.5 text-xs font-semibold uppercase tracking-wide text-slate-600 ${align === "right" ? "text-right" : "text-left"} ${className}`}>
      {children}
    </th>
  );
}

/** A sortable column header: a link that sorts by `sort`, toggling direction when already active. */
export function SortTh({
  label,
  sort,
  current,
  base,
  params,
  align = "left",
  defaultDir = "asc",
}: {
  label: string;
  sort: string;
  current: { sort: string; dir: "asc" | "desc" };
  base: string;
  params: Params;
  align?: "left" | "right";
  defaultDir?: "asc" | "desc";
}) {
  const active = current.sort === sort;
  const nextDir = active ? (current.dir === "asc" ? "desc" : "asc") : defaultDir;
  const href = hrefWith(base, params, { sort, dir: nextDir }, { resetPaging: true });
  return (
    <th
      scope="col"
      aria-sort={active ? (current.dir === "asc" ? "ascending" : "descending") : undefined}
      className={`whitespace-nowrap bg-slate-50 px-3 py-2.5 text-xs font-semibold uppercase tracking-wide text-slate-600 ${align === "right" ? "text-right" : "text-left"}`}
    >
      <Link href={href} className={`inline-flex items-center gap-1 rounded hover:text-ink ${active ? "text-ink" : ""}`}>
        {label}
        <span aria-hidden="true" className={active ? "text-brand-600" : "text-slate-300"}>
          {active ? (current.dir === "asc" ? "▲" : "▼") : "↕"}
        </span>
        <span className="sr-only">{active ? `, sorted ${current.dir === "asc" ? "ascending" : "descending"}; activate to reverse` : ", activate to sort"}</span>
      </Link>
    </th>
  );
}

export function Td({ children, align = "left", className = "" }: { children?: React.ReactNode; align?: "left" | "right"; className?: string }) {
  return <td className={`whitespace-nowrap px-3 py-2.5 ${align === "right" ? "text-right tabular-nums" : ""} ${className}`}>{children}</td>;
}

/** Keyset pagination: First / Previous / Next / Last, with the page number carried for display. */
export function Pager({
  base,
  params,
  page,
  next,
  prev,
  shown,
  total,
  size,
  noun,
}: {
  base: string;
  params: Params;
  page: number;
  next: string | null;
  prev: string | null;
  shown: number;
  total?: number;
  size: number;
  noun: string;
}) {
  const clean = { after: undefined, before: undefined, last: undefined, p: undefined };
  const firstHref = hrefWith(base, params, clean);
  // Back to page 1 is simply the first page (no cursor), so the page number stays right.
  const prevHref = prev ? (page <= 2 ? firstHref : hrefWith(base, params, { ...clean, before: prev, p: String(page - 1) })) : null;
  const nextHref = next ? hrefWith(base, params, { ...clean, after: next, p: String(page + 1) }) : null;
  const pages = total !== undefined ? Math.max(1, Math.ceil(total / size)) : undefined;
  const lastHref = hrefWith(base, params, { ...clean, last: "1", p: pages ? String(pages) : undefined });
  const atLast = params.last === "1";
  const start = shown ? (page - 1) * size + 1 : 0;
  const link = "rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-700 shadow-sm hover:bg-slate-50";
  const off = "rounded-md border border-slate-200 bg-slate-50 px-3 py-1.5 text-sm text-slate-400";
  return (
    <nav aria-label="Pagination" className="mt-3 flex flex-wrap items-center justify-between gap-3 text-sm text-slate-600">
      <p>
        {shown === 0 ? (
          `No ${noun}`
        ) : (
          <>
            Page {page}
            {pages ? ` of ${pages.toLocaleString("en-NZ")}` : ""} · {atLast || !total ? "" : `${start.toLocaleString("en-NZ")}–${(start + shown - 1).toLocaleString("en-NZ")} of `}
            {total !== undefined ? `${total.toLocaleString("en-NZ")} ${noun}` : `${shown} ${noun}`}
          </>
        )}
      </p>
      <div className="flex gap-2">
        {prevHref || params.after || params.before || atLast ? <Link className={link} href={firstHref}>« First</Link> : <span className={off} aria-disabled="true">« First</span>}
        {prevHref ? <Link className={link} href={prevHref} rel="prev">‹ Previous</Link> : <span className={off} aria-disabled="true">‹ Previous</span>}
        {nextHref ? <Link className={link} href={nextHref} rel="next">Next ›</Link> : <span className={off} aria-disabled="true">Next ›</span>}
        {total === undefined ? null : nextHref ? <Link className={link} href={lastHref}>Last »</Link> : <span className={off} aria-disabled="true">Last »</span>}
      </div>
    </nav>
  );
}

export function EmptyState({ title, children, action }: { title: string; children?: React.ReactNode; action?: React.ReactNode }) {
  return (
    <div className="rounded-lg border border-dashed border-slate-300 bg-white px-6 py-12 text-center">
      <h2 className="text-base font-semibold text-ink">{title}</h2>
      {children ? <div className="mx-auto mt-2 max-w-md text-sm text-slate-600">{children}</div> : null}
      {action ? <div className="mt-5">{action}</div> : null}
    </div>
  );
}
