/**
 * What the Sync now panel shows of a sync: the same shape whether the server renders it from the
 * overview read model or the panel polls it from GET /api/v1/tenants/{id}/sync.
 */
export interface ProgressView {
  state: string;
  sessionId: string | null;
  outcome: string | null;
  entity: string | null;
  pages: number;
  apiCalls: number;
  recordsFetched: number;
  recordsInserted: number;
  recordsUpdated: number;
  rateLimitWaits: number;
  rateLimitWaitMs: number;
  error: string | null;
}

type ProgressFields = { [K in Exclude<keyof ProgressView, "state">]?: ProgressView[K] | null };

export function toProgressView(state: string, p: ProgressFields | null | undefined): ProgressView {
  return {
    state,
    sessionId: p?.sessionId ?? null,
    outcome: p?.outcome ?? null,
    entity: p?.entity ?? null,
    pages: p?.pages ?? 0,
    apiCalls: p?.apiCalls ?? 0,
    recordsFetched: p?.recordsFetched ?? 0,
    recordsInserted: p?.recordsInserted ?? 0,
    recordsUpdated: p?.recordsUpdated ?? 0,
    rateLimitWaits: p?.rateLimitWaits ?? 0,
    rateLimitWaitMs: p?.rateLimitWaitMs ?? 0,
    error: p?.error ?? null,
  };
}
