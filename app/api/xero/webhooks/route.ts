/**
 * POST /api/xero/webhooks — Xero's webhook deliveries (and its intent-to-receive check).
 * No session: Xero is the caller, authenticated by the body's HMAC with XERO_WEBHOOK_KEY.
 * Answers fast with an empty body, as Xero requires: 200 (taken, or a repeat dropped), 401 (bad
 * signature), 400 (signed but not a payload), 413 (over 1 MB, refused unread). The work is in
 * lib/xero/webhooks.ts: replays dropped, syncs debounced per organisation, every delivery logged.
 */
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { receiveXeroWebhook } from "@/lib/xero/webhooks";

export const dynamic = "force-dynamic";

export async function POST(request: Request): Promise<Response> {
  const env = getEnv();
  const key = env.XERO_WEBHOOK_KEY;
  if (!key) return empty(404); // webhooks are not configured for this deployment
  const receipt = await receiveXeroWebhook(await getDb(), request, { key, debounceSeconds: env.WEBHOOK_SYNC_DEBOUNCE_SECONDS });
  // A refused body is left unread: close the connection rather than read the rest to reuse it.
  return empty(receipt.status, receipt.status === 413 ? { connection: "close" } : {});
}

function empty(status: number, headers: Record<string, string> = {}): Response {
  return new Response(null, { status, headers: { "cache-control": "no-store", ...headers } });
}
