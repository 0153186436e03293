/**
 * What the engine needs from Xero, as a narrow interface: one list page of an entity. The default
 * implementation (lib/sync/xero-source.ts) calls xero-node's accountingApi through
 * lib/xero/client.ts; tests may pass their own.
 */
import type { CallResult, XeroFailure } from "./call-layer";
import type { XeroContactWire } from "./contacts";
import type { XeroInvoiceWire } from "./invoices";

export interface PageQuery {
  /** Sent as If-Modified-Since; absent for the first sync of an entity. */
  ifModifiedSince?: Date;
  page: number;
  pageSize: number;
}

export interface SourcePage<R> {
  /** The records as Xero sent them on the wire (parsed JSON), in its order (UpdatedDateUTC ascending). */
  records: R[];
  /** The envelope's DateTimeUTC: Xero's clock when it answered. */
  serverTime: Date | null;
}

export interface XeroSource {
  getInvoicesPage(accessToken: string, xeroTenantId: string, query: PageQuery): Promise<CallResult<SourcePage<XeroInvoiceWire>>>;
  getContactsPage(accessToken: string, xeroTenantId: string, query: PageQuery): Promise<CallResult<SourcePage<XeroContactWire>>>;
  /** Classifies a rejected request by status code and headers. */
  classify(error: unknown): XeroFailure;
}
