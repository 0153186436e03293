import { notFound } from "next/navigation";
import { DashboardShell } from "@/app/(dashboard)/_components/shell";
import { entityBySlug, entitySlug } from "@/lib/entities/registry";

/**
 * Every mirrored entity's pages (/{slug}, /{slug}/{tenantId}/{id}, /{slug}/export) sit beside the
 * dashboard's static routes. The slug is checked here, before the session: any other first
 * segment is the site's plain 404 whether or not someone is signed in (not a detour to sign-in),
 * and a real 404 status (the list's loading state streams below this layout).
 */
export default async function EntityLayout({ children, params }: { children: React.ReactNode; params: Promise<{ entity: string }> }) {
  const def = entityBySlug((await params).entity);
  if (!def) notFound();
  return <DashboardShell returnTo={`/${entitySlug(def)}`}>{children}</DashboardShell>;
}
