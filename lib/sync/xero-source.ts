/**
 * The engine's XeroSource over xero-node's accountingApi, built through lib/xero/client.ts (the
 * only xero-node import). One API client per access token (cheap: no network until a call).
 *
 * Requests: If-Modified-Since = the walk's position, order "UpdatedDateUTC ASC", page + pageSize
 * 1000 (paged responses include invoice line items), includeArchived=true for contacts.
 * xero-node builds and sends every request; the response stays Xero's JSON text
 * (`wireResponses`, see lib/xero/client.ts), parsed here once: the records are what the mappers
 * read and what the `raw` columns store.
 */
import { getEnv } from "@/lib/env";
import { createApiClient, toXeroApiError } from "@/lib/xero/client";
import { normalizeHeaders, type XeroFailure } from "./call-layer";
import type { XeroContactWire } from "./contacts";
import type { XeroInvoiceWire } from "./invoices";
import type { PageQuery, SourcePage, XeroSource } from "./source";
import { toInstant } from "./values";

const ORDER = "UpdatedDateUTC ASC";

export interface XeroSourceConfig {
  apiUrl: string;
  timeoutMs: number;
}

/**
 * A 2xx answer whose body is not Xero's envelope (cut short, or a proxy's page). Never read as
 * "no records": that would end the walk early and silently miss data. Retried like a dropped
 * connection; if it persists the sync fails (XeroUnavailableError) and resumes from its cursor.
 */
export class MalformedXeroResponseError extends Error {
  override readonly name = "MalformedXeroResponseError";
}

/** Classifies any xero-node rejection by status code and headers (via lib/xero/errors). */
export function classifyXeroError(error: unknown): XeroFailure {
  if (error instanceof MalformedXeroResponseError) return { kind: "malformed" };
  const e = toXeroApiError(error);
  if (e.status === 0) return { kind: "network" };
  return { kind: "http", status: e.status, headers: e.headers };
}

/** Xero's list envelope `{…, DateTimeUTC, <key>: [records]}` from the response text. */
export function parseEnvelope<R>(data: unknown, key: string): SourcePage<R> {
  let d: unknown = data;
  if (typeof data === "string") {
    try {
      d = JSON.parse(data);
    } catch {
      throw new MalformedXeroResponseError(`Xero's ${key} answer is not JSON (${data.length} bytes)`);
    }
  }
  const list = d && typeof d === "object" ? (d as Record<string, unknown>)[key] : undefined;
  if (!Array.isArray(list) || !list.every((r) => r !== null && typeof r === "object")) {
    throw new MalformedXeroResponseError(`Xero's ${key} answer has no ${key} list`);
  }
  let serverTime: Date | null = null;
  try {
    serverTime = toInstant((d as Record<string, unknown>).DateTimeUTC);
  } catch {
    serverTime = null;
  }
  return { records: list as R[], serverTime };
}

export function createXeroSource(config?: Partial<XeroSourceConfig>): XeroSource {
  const env = getEnv();
  const apiUrl = config?.apiUrl ?? env.XERO_API_URL;
  const timeoutMs = config?.timeoutMs ?? env.XERO_TIMEOUT_MS;
  let cached: { token: string; client: ReturnType<typeof createApiClient> } | undefined;
  const clientFor = (token: string) => {
    if (cached?.token !== token) cached = { token, client: createApiClient({ apiUrl, timeoutMs }, token, { wireResponses: true }) };
    return cached.client;
  };

  return {
    async getInvoicesPage(token, xeroTenantId, q: PageQuery) {
      const api = clientFor(token).accountingApi;
      const { response } = await api.getInvoices(
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
      return { value: parseEnvelope<XeroInvoiceWire>(response.data, "Invoices"), headers: normalizeHeaders(response.headers) };
    },
    async getContactsPage(token, xeroTenantId, q: PageQuery) {
      const api = clientFor(token).accountingApi;
      const { response } = await api.getContacts(
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
      return { value: parseEnvelope<XeroContactWire>(response.data, "Contacts"), headers: normalizeHeaders(response.headers) };
    },
    classify: classifyXeroError,
  };
}
