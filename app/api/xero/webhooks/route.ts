/**
 * POST /api/xero/webhooks — Xero's webhook deliveries (and its intent-to-receive check).
 * No session: Xero is the caller, authenticated by the body's HMAC with XERO_WEBHOOK_KEY.
 * Verify, answer fast (200 empty / 401 empty, as Xero requires), and start the syncs in the
 * background. If a sync of the tenant is already running it may have walked past the change, so
 * another one runs when it ends (followUpIfRunning).
 */
import { logServerError } from "@/lib/api/log";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { requestSync } from "@/lib/sync";
import { planWebhookSyncs, verifyWebhookSignature, webhookPayloadSchema } from "@/lib/xero/webhooks";

export const dynamic = "force-dynamic";

const empty = (status: number) => new Response(null, { status, headers: { "cache-control": "no-store" } });

export async function POST(request: Request): Promise<Response> {
  const key = getEnv().XERO_WEBHOOK_KEY;
  if (!key) return empty(404); // webhooks are not configured for this deployment
  // The HMAC is over the exact bytes Xero sent: verify before decoding anything.
  const raw = Buffer.from(await request.arrayBuffer());
  if (!verifyWebhookSignature(raw, request.headers.get("x-xero-signature"), key)) return empty(401);

  let payload;
  try {
    payload = webhookPayloadSchema.parse(JSON.parse(raw.toString("utf8")));
  } catch {
    return empty(400);
  }
  if (payload.events.length === 0) return empty(200); // intent-to-receive

  const db = await getDb();
  const plans = await planWebhookSyncs(db, payload);
  for (const plan of plans) {
    void requestSync(db, { userId: plan.userId, tenantId: plan.tenantId, entities: plan.entities, trigger: "webhook", followUpIfRunning: true }).catch((error: unknown) => {
      logServerError(`webhooks: sync of tenant ${plan.tenantId}`, error);
    });
  }
  return empty(200);
}
