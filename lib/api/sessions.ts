import { z } from "zod";
import type { HistoryQuery, HistoryRow } from "@/lib/history/read-model";
import { decodeHistoryCursor } from "@/lib/history/read-model";

/**
 * GET /api/v1/sessions between the route table and the history read model: its parsed parameters
 * as a HistoryQuery (a cursor that is not one of the log's → a 400 naming it), and a log row as
 * the API sends it (without the owner's user id).
 */

type SessionParams = { org?: string; kind?: HistoryQuery["kind"]; trigger?: HistoryQuery["trigger"]; status?: HistoryQuery["outcome"]; limit?: number; after?: string; before?: string };

export function sessionsQuery(params: Record<string, unknown>): HistoryQuery {
  const p = params as SessionParams;
  const issues: z.core.$ZodIssue[] = [];
  const cursor = (key: "after" | "before") => {
    const given = p[key];
    if (given === undefined) return null;
    const c = decodeHistoryCursor(given);
    if (!c) issues.push({ code: "custom", path: [key], message: "is not a cursor of this log (use page.next or page.prev of an answer)", input: given });
    return c;
  };
  const after = cursor("after");
  const before = after ? null : cursor("before");
  if (issues.length) throw new z.ZodError(issues);
  return { tenant: p.org, kind: p.kind, trigger: p.trigger, outcome: p.status, size: p.limit ?? 50, after, before, page: after || before ? 2 : 1 };
}

export function apiSession(row: HistoryRow): Record<string, unknown> {
  const { userId: _owner, ...rest } = row;
  return rest;
}
