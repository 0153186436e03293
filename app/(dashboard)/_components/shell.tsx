import Link from "next/link";
import { entitySlug } from "@/lib/entities/registry";
import { countAlerts } from "@/lib/alerts/conditions";
import { getDb } from "@/lib/db";
import { entitiesByGroup } from "./entity";
import { MainNav, type NavGroup } from "./nav";
import { requireDashboardUser } from "./user";
import { UserMenu } from "./user-menu";

/**
 * The signed-in app shell: brand, main navigation (the registry's entities by group), account
 * menu. Shared by the dashboard's layout and the entity pages' layout; it needs a session.
 */
export async function DashboardShell({ returnTo, children }: { returnTo: string; children: React.ReactNode }) {
  const user = await requireDashboardUser(returnTo);
  const alertCount = await countAlerts(await getDb(), user.id);
  const groups: NavGroup[] = entitiesByGroup().map((g) => ({ label: g.label, links: g.entities.map((e) => ({ href: `/${entitySlug(e)}`, label: e.label })) }));
  return (
    <div className="min-h-screen">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2 focus:shadow">
        Skip to content
      </a>
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-7xl items-center justify-between gap-4 px-4 pt-3 sm:px-6">
          <Link href="/dashboard" className="flex items-center gap-2 text-base font-semibold tracking-tight text-ink">
            <span aria-hidden="true" className="flex h-7 w-7 items-center justify-center rounded-md bg-brand-500 text-sm font-bold text-white">
              X
            </span>
            Xero Sync
          </Link>
          <UserMenu name={user.name} email={user.email} />
        </div>
        <div className="mx-auto max-w-7xl px-2 sm:px-4">
          <MainNav groups={groups} alertCount={alertCount} />
        </div>
      </header>
      <main id="main" className="mx-auto max-w-7xl px-4 py-6 sm:px-6">
        {children}
      </main>
    </div>
  );
}
