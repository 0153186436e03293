/**
 * What the engine needs from Xero, as a narrow interface: one list page of an entity. The default
 * implementation (lib/sync/xero-source.ts) calls xero-node's accountingApi through
 * lib/xero/client.ts; tests may pass their own.
 */
import type { CallResult, XeroFailure } from "./call-layer";

export interface PageQuery {
  /** Sent as If-Modified-Since; absent for the first sync of an entity. */
  ifModifiedSince?: Date;
  page: number;
  pageSize: number;
}

export interface SourcePage {
  /**
   * Each record's JSON text exactly as Xero sent it, in Xero's order (UpdatedDateUTC ascending).
   * Parsed one at a time by the engine (lib/sync/wire-json.ts says why).
   */
  records: string[];
  /** The envelope's DateTimeUTC: Xero's clock when it answered. */
  serverTime: Date | null;
}

export interface XeroSource {
  /** Records are `XeroInvoiceWire` (lib/sync/invoices.ts). */
  getInvoicesPage(accessToken: string, xeroTenantId: string, query: PageQuery): Promise<CallResult<SourcePage>>;
  /** Records are `XeroContactWire` (lib/sync/contacts.ts). */
  getContactsPage(accessToken: string, xeroTenantId: string, query: PageQuery): Promise<CallResult<SourcePage>>;
  /** Classifies a rejected request by status code and headers. */
  classify(error: unknown): XeroFailure;
}
