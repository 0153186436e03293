/**
 * GET /api/metrics — the sync queue in Prometheus' text format: jobs queued, deferred, running,
 * failed and retried, the oldest waiting job's age, and each organisation's next scheduled run.
 * Auth: `Authorization: Bearer <METRICS_TOKEN>`; without METRICS_TOKEN configured, 403 saying so.
 * On PGlite there is no queue (syncs run in the app's process): 404 saying so.
 */
import { z } from "zod";
import { withUser } from "@/lib/http/handler";
import { getDatabase } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { getJobMetrics } from "@/lib/jobs/metrics";
import { metricsCaller } from "@/lib/jobs/metrics-caller";
import { toPrometheusText } from "@/lib/jobs/prometheus";

export const dynamic = "force-dynamic";

export const GET = withUser(z.object({}).strict(), async () => {
  const handle = await getDatabase();
  if (handle.kind !== "postgres") throw new AppError("not_found", "There is no sync queue on PGlite: syncs run in the app's process.");
  const text = toPrometheusText(await getJobMetrics(handle.db));
  return new Response(text, { headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8", "cache-control": "no-store" } });
}, { name: "GET /api/metrics", getUser: metricsCaller });
