/**
 * POST /api/xero/webhooks — Xero's webhook deliveries (and its intent-to-receive check).
 * No session: Xero is the caller, authenticated by the body's HMAC with XERO_WEBHOOK_KEY.
 * Answers fast with an empty body, as Xero requires: 200 (taken, or a repeat dropped), 401 (bad
 * signature), 400 (signed but not a payload), 413 (over 1 MB, refused unread). The work is in
 * lib/xero/webhooks.ts: replays dropped, syncs debounced per organisation, every delivery logged.
 */
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { receiveXeroWebhook, webhookResponse } from "@/lib/xero/webhooks";

export const dynamic = "force-dynamic";

export async function POST(request: Request): Promise<Response> {
  const env = getEnv();
  const key = env.XERO_WEBHOOK_KEY;
  if (!key) return new Response(null, { status: 404, headers: { "cache-control": "no-store" } }); // webhooks are not configured here
  return webhookResponse(await receiveXeroWebhook(await getDb(), request, { key, debounceSeconds: env.WEBHOOK_SYNC_DEBOUNCE_SECONDS }));
}
