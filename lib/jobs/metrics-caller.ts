import { timingSafeEqual, createHash } from "node:crypto";
import { headers } from "next/headers";
import type { CurrentUser } from "@/lib/auth/session";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";

/** The caller /api/metrics answers, standing in for a user: the scraper that sent METRICS_TOKEN. */
const SCRAPER: CurrentUser = { id: "metrics", name: "metrics scraper", email: null };

/** Compared as SHA-256 digests so neither the length nor the content leaks through timing. */
function sameToken(a: string, b: string): boolean {
  const digest = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}

/**
 * Who may read /api/metrics: `Authorization: Bearer <METRICS_TOKEN>`. Without METRICS_TOKEN
 * configured the route is off and says so (403), rather than being open. Pass as `getUser` to
 * lib/http/handler's withUser (no token or a wrong one: 401).
 */
export async function metricsCaller(): Promise<CurrentUser | null> {
  const expected = getEnv().METRICS_TOKEN;
  if (!expected) throw new AppError("forbidden", "Metrics are off on this server: set METRICS_TOKEN to read /api/metrics.");
  const match = /^Bearer\s+(\S+)\s*$/i.exec((await headers()).get("authorization") ?? "");
  return match && sameToken(match[1]!, expected) ? SCRAPER : null;
}
