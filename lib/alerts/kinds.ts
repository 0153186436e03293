/**
 * The kinds of alert: what each means for its severity and which of them the outgoing webhook
 * sends unless its user picks others.
 */
export const ALERT_KINDS = ["sync_failing", "needs_reconnect", "rate_limited", "quota_80", "egress_80", "connections_80", "refresh_token_old"] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export const ALERT_KIND_LABELS: Record<AlertKind, string> = {
  sync_failing: "Sync failing",
  needs_reconnect: "Needs reconnect",
  rate_limited: "Daily limit reached",
  quota_80: "Daily quota at 80 %",
  egress_80: "Monthly data at 80 %",
  connections_80: "Connections at 80 % of the plan",
  refresh_token_old: "Refresh token ageing",
};

/** What a new webhook sends: the conditions that need someone to act. */
export const DEFAULT_WEBHOOK_KINDS: readonly AlertKind[] = ["sync_failing", "needs_reconnect", "quota_80"];

export type AlertSeverity = "error" | "warning";

export interface Alert {
  /** Kind and organisation (or the app, for plan-wide ones): stable while the condition lasts. */
  key: string;
  kind: AlertKind;
  severity: AlertSeverity;
  title: string;
  detail: string;
  fix: { text: string; href: string; label: string };
  organisation: { id: string; name: string } | null;
  /** When the condition began, as far as the data tells; null when it does not. */
  since: Date | null;
}

const SEVERITY_ORDER: Record<AlertSeverity, number> = { error: 0, warning: 1 };

/** Errors first, then the most recent, then by organisation: the order of the list and of an evaluation. */
export function compareAlerts(a: Alert, b: Alert): number {
  return (
    SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
    (b.since?.getTime() ?? 0) - (a.since?.getTime() ?? 0) ||
    (a.organisation?.name ?? "").localeCompare(b.organisation?.name ?? "") ||
    a.key.localeCompare(b.key)
  );
}
