"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

/** One group of the menu (Sales, Purchases …) with its entities' lists; built by the layout from the registry. */
export interface NavGroup {
  label: string;
  links: { href: string; label: string }[];
}

const item = "whitespace-nowrap border-b-2 px-3 py-3 text-sm font-medium";
const on = "border-brand-600 text-ink";
const off = "border-transparent text-slate-600 hover:border-slate-300 hover:text-ink";

const isActive = (pathname: string, href: string) => pathname === href || pathname.startsWith(`${href}/`);

/**
 * Overview, the data grouped as an accountant thinks of it, then Sync history and Alerts (with how many are open). A group of one
 * entity is a plain link; a larger group is a menu (details/summary: keyboard and screen readers
 * work without script), closed again on navigation (the key changes with the path).
 */
export function MainNav({ groups, alertCount = 0 }: { groups: NavGroup[]; alertCount?: number }) {
  const pathname = usePathname();
  return (
    <nav aria-label="Main" className="-mb-px flex flex-wrap gap-1" key={pathname}>
      <Link href="/dashboard" aria-current={isActive(pathname, "/dashboard") ? "page" : undefined} className={`${item} ${isActive(pathname, "/dashboard") ? on : off}`}>
        Overview
      </Link>
      {groups.map((g) => {
        const active = g.links.some((l) => isActive(pathname, l.href));
        if (g.links.length === 1) {
          const l = g.links[0]!;
          return (
            <Link key={l.href} href={l.href} aria-current={active ? "page" : undefined} className={`${item} ${active ? on : off}`}>
              {l.label}
            </Link>
          );
        }
        return (
          <details key={g.label} className="group relative">
            <summary className={`${item} flex cursor-pointer list-none items-center gap-1 [&::-webkit-details-marker]:hidden ${active ? on : off}`}>
              {g.label}
              <span aria-hidden="true" className="text-xs text-slate-400 group-open:rotate-180">
                ▾
              </span>
            </summary>
            <ul className="absolute left-0 z-20 mt-px min-w-[12rem] rounded-b-lg border border-slate-200 bg-white p-1 shadow-lg">
              {g.links.map((l) => (
                <li key={l.href}>
                  <Link
                    href={l.href}
                    aria-current={isActive(pathname, l.href) ? "page" : undefined}
                    className={`block rounded-md px-3 py-2 text-sm ${isActive(pathname, l.href) ? "bg-slate-100 font-medium text-ink" : "text-slate-700 hover:bg-slate-100"}`}
                  >
                    {l.label}
                  </Link>
                </li>
              ))}
            </ul>
          </details>
        );
      })}
      <Link href="/history" aria-current={isActive(pathname, "/history") ? "page" : undefined} className={`${item} ${isActive(pathname, "/history") ? on : off}`}>
        Sync history
      </Link>
      <Link href="/alerts" aria-current={isActive(pathname, "/alerts") ? "page" : undefined} className={`${item} flex items-center gap-1.5 ${isActive(pathname, "/alerts") ? on : off}`}>
        Alerts
        {alertCount > 0 ? (
          <span data-testid="alert-count" className="rounded-full bg-red-600 px-1.5 text-xs font-semibold leading-5 text-white">
            {alertCount}
            <span className="sr-only"> open</span>
          </span>
        ) : null}
      </Link>
    </nav>
  );
}
