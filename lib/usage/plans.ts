/**
 * Xero's API plans (priced since March 2026): how many organisations an app may connect, how
 * many response bytes a month are included before Xero charges per GB, and how many calls a day
 * each organisation gets. XERO_PLAN names the operator's plan; the meter and the cadence measure
 * against it.
 */
export const XERO_PLANS = ["starter", "core", "plus", "advanced"] as const;
export type XeroPlanName = (typeof XERO_PLANS)[number];

export interface XeroPlan {
  name: XeroPlanName;
  label: string;
  /** Organisations the app may have connected at once. */
  connections: number;
  /** Response bytes included each calendar month (UTC); null: Xero states no allowance for the plan. */
  egressBytesPerMonth: number | null;
  /** Calls a day per organisation (Xero's rolling day). */
  callsPerDayPerOrg: number;
}

const GB = 1024 ** 3;

export const PLANS: Record<XeroPlanName, XeroPlan> = {
  starter: { name: "starter", label: "Starter", connections: 5, egressBytesPerMonth: null, callsPerDayPerOrg: 1_000 },
  core: { name: "core", label: "Core", connections: 50, egressBytesPerMonth: 10 * GB, callsPerDayPerOrg: 5_000 },
  plus: { name: "plus", label: "Plus", connections: 1_000, egressBytesPerMonth: 50 * GB, callsPerDayPerOrg: 5_000 },
  advanced: { name: "advanced", label: "Advanced", connections: 10_000, egressBytesPerMonth: 250 * GB, callsPerDayPerOrg: 5_000 },
};

/** Share of a limit at which the product warns. */
export const USAGE_WARNING_RATIO = 0.8;

export function planNamed(name: XeroPlanName): XeroPlan {
  return PLANS[name];
}
