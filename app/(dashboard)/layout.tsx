import { DashboardShell } from "./_components/shell";

/** The signed-in app shell: brand, main navigation, account menu. Every page below needs a session. */
export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  return <DashboardShell returnTo="/dashboard">{children}</DashboardShell>;
}
