/**
 * Webhooks as Xero sends them: `POST url` with a JSON body {events, firstEventSequence,
 * lastEventSequence, entropy} and `x-xero-signature` = base64(HMAC-SHA256(raw body, key)).
 *
 * Subscribing first runs Xero's "intent to receive" check: one correctly signed and one wrongly
 * signed request with an empty event list; the receiver must answer 200 then 401 (within 5 s,
 * empty body), otherwise the subscription stays off.
 */
import { createHmac, randomBytes } from "node:crypto";
import type { Change } from "./data";
import { entityByName } from "./entities/registry";
import type { Sim } from "./state";

export interface WebhookDelivery {
  at: string;
  kind: "intent-to-receive" | "events";
  signatureValid: boolean;
  status: number;
  events: number;
  error?: string;
}

export interface WebhookEvent {
  resourceUrl: string;
  resourceId: string;
  eventDateUtc: string;
  eventType: "CREATE" | "UPDATE";
  /** INVOICE, CONTACT or CREDITNOTE: the only categories Xero sends. */
  eventCategory: string;
  tenantId: string;
  tenantType: "ORGANISATION";
}

/** Where Xero sends webhooks for an entity (INVOICE, CONTACT, CREDITNOTE only), or null. */
function webhookTarget(entity: string): { endpoint: string; eventCategory: string } | null {
  if (entity === "invoices") return { endpoint: "Invoices", eventCategory: "INVOICE" };
  if (entity === "contacts") return { endpoint: "Contacts", eventCategory: "CONTACT" };
  const fx = entityByName(entity);
  return fx?.webhooks ? { endpoint: fx.endpoint, eventCategory: fx.webhooks.eventCategory } : null;
}

export function sign(body: string, key: string): string {
  return createHmac("sha256", key).update(body).digest("base64");
}

function entropy(): string {
  const A = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  return [...randomBytes(20)].map((b) => A[b % 26]).join("");
}

export class Webhooks {
  url: string | null = null;
  key: string | null = null;
  active = false;
  sequence = 0;
  readonly deliveries: WebhookDelivery[] = [];
  private pending: Promise<unknown> = Promise.resolve();

  constructor(private readonly sim: Sim) {}

  private async post(body: string, signature: string): Promise<{ status: number; error?: string }> {
    try {
      const res = await fetch(this.url ?? "", {
        method: "POST",
        headers: { "content-type": "application/json", "x-xero-signature": signature, "user-agent": "Xero-Webhooks (simulator)" },
        body,
        signal: AbortSignal.timeout(5000),
      });
      await res.arrayBuffer().catch(() => undefined);
      return { status: res.status };
    } catch (e) {
      return { status: 0, error: e instanceof Error ? e.message : String(e) };
    }
  }

  /** Subscribes and runs the intent-to-receive check. */
  async configure(url: string, key: string): Promise<{ active: boolean; correctlySigned: number; incorrectlySigned: number }> {
    this.url = url;
    this.key = key;
    this.active = false;
    const body = JSON.stringify({ events: [], firstEventSequence: 0, lastEventSequence: 0, entropy: entropy() });
    const good = await this.post(body, sign(body, key));
    this.record("intent-to-receive", true, good.status, 0, good.error);
    const bad = await this.post(body, sign(body, `${key}-wrong`));
    this.record("intent-to-receive", false, bad.status, 0, bad.error);
    this.active = good.status === 200 && bad.status === 401;
    return { active: this.active, correctlySigned: good.status, incorrectlySigned: bad.status };
  }

  disable(): void {
    this.url = null;
    this.key = null;
    this.active = false;
  }

  private record(kind: WebhookDelivery["kind"], signatureValid: boolean, status: number, events: number, error?: string): void {
    this.deliveries.push({ at: new Date(this.sim.clock.now()).toISOString(), kind, signatureValid, status, events, ...(error ? { error } : {}) });
    if (this.deliveries.length > 1000) this.deliveries.shift();
  }

  /** Sends one batch for these changes (in order, one batch at a time); entities Xero has no webhooks for are left out. */
  deliver(tenantId: string, changes: Change[]): void {
    if (!this.active || !this.url || !this.key || changes.length === 0) return;
    const key = this.key;
    const events: WebhookEvent[] = [];
    for (const c of changes) {
      const target = webhookTarget(c.entity);
      if (!target) continue;
      events.push({
        resourceUrl: `${this.sim.url}/api.xro/2.0/${target.endpoint}/${c.id}`,
        resourceId: c.id,
        // Xero's eventDateUtc has milliseconds and no zone designator.
        eventDateUtc: c.updatedDateUtc.replace(/Z$/, ""),
        eventType: c.eventType,
        eventCategory: target.eventCategory,
        tenantId,
        tenantType: "ORGANISATION",
      });
    }
    if (events.length === 0) return;
    const first = this.sequence + 1;
    this.sequence += events.length;
    const body = JSON.stringify({ events, firstEventSequence: first, lastEventSequence: this.sequence, entropy: entropy() });
    this.pending = this.pending.then(async () => {
      const r = await this.post(body, sign(body, key));
      this.record("events", true, r.status, events.length, r.error);
    });
  }

  /** Resolves when every queued delivery has been attempted. */
  idle(): Promise<unknown> {
    return this.pending;
  }
}
