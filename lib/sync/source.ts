/**
 * What the engine needs from Xero, as a narrow interface: one list page of an entity. The default
 * implementation (lib/sync/xero-source.ts) calls xero-node's accountingApi through
 * lib/xero/client.ts; tests may pass their own.
 */
import type { CallResult, XeroFailure } from "./call-layer";
import type { XeroContactLike } from "./contacts";
import type { XeroInvoiceLike } from "./invoices";

export interface PageQuery {
  /** Sent as If-Modified-Since; absent for the first sync of an entity. */
  ifModifiedSince?: Date;
  page: number;
  pageSize: number;
}

export interface SourcePage<M> {
  /** xero-node models, in the order Xero sent them (UpdatedDateUTC ascending). */
  items: M[];
  /** The same records as Xero sent them on the wire (for the `raw` column); same order. */
  raw: unknown[];
  /** The envelope's DateTimeUTC: Xero's clock when it answered. */
  serverTime: Date | null;
}

export interface XeroSource {
  getInvoicesPage(accessToken: string, xeroTenantId: string, query: PageQuery): Promise<CallResult<SourcePage<XeroInvoiceLike>>>;
  getContactsPage(accessToken: string, xeroTenantId: string, query: PageQuery): Promise<CallResult<SourcePage<XeroContactLike>>>;
  /** Classifies a rejected request by status code and headers. */
  classify(error: unknown): XeroFailure;
}
