/**
 * What the engine needs from Xero, as a narrow interface: one list answer of an entity. The default
 * implementation (lib/sync/xero-source.ts) calls xero-node's accountingApi through
 * lib/xero/client.ts with the entity definition's request; tests may pass their own.
 */
import type { EntityDefinition, XeroListQuery } from "@/lib/entities/definition";
import type { CallResult, XeroFailure } from "./call-layer";

export type { XeroListQuery };

export interface SourcePage {
  /**
   * Each record's JSON text exactly as Xero sent it, in Xero's order (UpdatedDateUTC ascending for keyset walks).
   * Parsed one at a time by the engine (lib/sync/wire-json.ts says why).
   */
  records: string[];
  /** The envelope's DateTimeUTC: Xero's clock when it answered. */
  serverTime: Date | null;
}

export interface XeroSource {
  /** One answer of `entity`'s list endpoint (records in the definition's wire shape). */
  list(entity: EntityDefinition, accessToken: string, xeroTenantId: string, query: XeroListQuery): Promise<CallResult<SourcePage>>;
  /** Classifies a rejected request by status code and headers. */
  classify(error: unknown): XeroFailure;
}
