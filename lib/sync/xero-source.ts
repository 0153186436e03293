/**
 * The engine's XeroSource over xero-node's accountingApi, built through lib/xero/client.ts (the
 * only xero-node import). One API client per access token (cheap: no network until a call).
 *
 * Requests: If-Modified-Since = the walk's position, order "UpdatedDateUTC ASC", page + pageSize
 * 1000 (paged responses include invoice line items), includeArchived=true for contacts.
 * `raw` is the wire JSON axios parsed (Xero's PascalCase with /Date()/ strings), which is what we
 * store in the jsonb column; `items` are xero-node's models, which the mappers read.
 */
import { getEnv } from "@/lib/env";
import { createApiClient, toXeroApiError } from "@/lib/xero/client";
import { normalizeHeaders, type XeroFailure } from "./call-layer";
import type { PageQuery, SourcePage, XeroSource } from "./source";
import { toInstant } from "./values";

const ORDER = "UpdatedDateUTC ASC";

export interface XeroSourceConfig {
  apiUrl: string;
  timeoutMs: number;
}

/** Classifies any xero-node rejection by status code and headers (via lib/xero/errors). */
export function classifyXeroError(error: unknown): XeroFailure {
  const e = toXeroApiError(error);
  if (e.status === 0) return { kind: "network" };
  return { kind: "http", status: e.status, headers: e.headers };
}

function envelope(data: unknown, key: string): { raw: unknown[]; serverTime: Date | null } {
  const d = (data ?? {}) as Record<string, unknown>;
  const list = d[key];
  let serverTime: Date | null = null;
  try {
    serverTime = toInstant(d.DateTimeUTC);
  } catch {
    serverTime = null;
  }
  return { raw: Array.isArray(list) ? list : [], serverTime };
}

export function createXeroSource(config?: Partial<XeroSourceConfig>): XeroSource {
  const env = getEnv();
  const apiUrl = config?.apiUrl ?? env.XERO_API_URL;
  const timeoutMs = config?.timeoutMs ?? env.XERO_TIMEOUT_MS;
  let cached: { token: string; client: ReturnType<typeof createApiClient> } | undefined;
  const clientFor = (token: string) => {
    if (cached?.token !== token) cached = { token, client: createApiClient({ apiUrl, timeoutMs }, token) };
    return cached.client;
  };

  return {
    async getInvoicesPage(token, xeroTenantId, q: PageQuery) {
      const api = clientFor(token).accountingApi;
      const { response, body } = await api.getInvoices(
        xeroTenantId,
        q.ifModifiedSince,
        undefined, // where
        ORDER,
        undefined, // iDs
        undefined, // invoiceNumbers
        undefined, // contactIDs
        undefined, // statuses
        q.page,
        undefined, // includeArchived
        undefined, // createdByMyApp
        undefined, // unitdp
        false, // summaryOnly: we want line items
        q.pageSize,
      );
      const { raw, serverTime } = envelope(response.data, "Invoices");
      const value: SourcePage<NonNullable<typeof body.invoices>[number]> = { items: body.invoices ?? [], raw, serverTime };
      return { value, headers: normalizeHeaders(response.headers) };
    },
    async getContactsPage(token, xeroTenantId, q: PageQuery) {
      const api = clientFor(token).accountingApi;
      const { response, body } = await api.getContacts(
        xeroTenantId,
        q.ifModifiedSince,
        undefined, // where
        ORDER,
        undefined, // iDs
        q.page,
        true, // includeArchived: archived contacts are states to mirror
        false, // summaryOnly
        undefined, // searchTerm
        q.pageSize,
      );
      const { raw, serverTime } = envelope(response.data, "Contacts");
      return { value: { items: body.contacts ?? [], raw, serverTime }, headers: normalizeHeaders(response.headers) };
    },
    classify: classifyXeroError,
  };
}
