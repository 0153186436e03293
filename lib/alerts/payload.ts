/**
 * The JSON body of an outgoing webhook: `{ id, type, alert, occurredAt }`. `id` is the delivery's
 * id (the same on every retry, so a receiver can drop repeats); links are absolute, on NEXTAUTH_URL.
 */
import type { Alert } from "./kinds";

export const WEBHOOK_EVENT_TYPES = ["alert.opened", "alert.resolved", "test"] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export interface WebhookAlert {
  key: string;
  kind: Alert["kind"];
  severity: Alert["severity"];
  title: string;
  detail: string;
  howToFix: string;
  fixUrl: string;
  organisation: { id: string; name: string } | null;
  since: string | null;
}

export interface WebhookEvent {
  id: string;
  type: WebhookEventType;
  alert: WebhookAlert;
  occurredAt: string;
}

/** The alert as a webhook carries it (also what open_alerts keeps for the resolved event). */
export function webhookAlert(alert: Alert, baseUrl: string): WebhookAlert {
  return {
    key: alert.key,
    kind: alert.kind,
    severity: alert.severity,
    title: alert.title,
    detail: alert.detail,
    howToFix: alert.fix.text,
    fixUrl: new URL(alert.fix.href, baseUrl).toString(),
    organisation: alert.organisation,
    since: alert.since ? alert.since.toISOString() : null,
  };
}

export function webhookBody(event: WebhookEvent): string {
  return JSON.stringify({ id: event.id, type: event.type, alert: event.alert, occurredAt: event.occurredAt });
}

/** What "Send test" sends: shaped like a real alert so a receiver's parser is exercised. */
export function testAlert(baseUrl: string): WebhookAlert {
  return {
    key: "test",
    kind: "sync_failing",
    severity: "warning",
    title: "Test delivery from Xero Sync",
    detail: "Sent from the alert settings to check that this receiver gets and verifies deliveries.",
    howToFix: "Nothing to fix: this is a test.",
    fixUrl: new URL("/settings/alerts", baseUrl).toString(),
    organisation: null,
    since: null,
  };
}
