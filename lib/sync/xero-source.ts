/**
 * The engine's XeroSource over xero-node's accountingApi, built through lib/xero/client.ts (the
 * only xero-node import). One API client per access token (cheap: no network until a call).
 *
 * Requests are the entity definitions' own (lib/entities/<name>/index.ts: If-Modified-Since, order,
 * page + pageSize, offset, includeArchived …). xero-node builds and sends every request; the response stays the bytes Xero sent
 * (`wireResponses`, see lib/xero/client.ts) and is split here into each record's text
 * (lib/sync/wire-json.ts), which the engine parses for the mappers and stores as `raw`.
 */
import { getEnv } from "@/lib/env";
import { createApiClient } from "@/lib/xero/client";
import { toXeroApiError } from "@/lib/xero/errors";
import { XeroIssuerMismatchError } from "@/lib/xero/issuer";
import { normalizeHeaders, type XeroFailure } from "./call-layer";
import { MalformedXeroResponseError } from "./errors";
import type { SourcePage, XeroSource } from "./source";
import { toInstant } from "@/lib/entities/values";
import { MalformedJsonError, scanEnvelope } from "./wire-json";

export interface XeroSourceConfig {
  /** The identity issuer whose tokens this API accepts (XERO_IDENTITY_URL). */
  identityUrl: string;
  apiUrl: string;
  timeoutMs: number;
}

/**
 * Classifies any xero-node rejection by status code and headers (via lib/xero/errors). A token
 * refused before sending (another issuer's) is no failure of Xero's: rethrown, never retried.
 */
export function classifyXeroError(error: unknown): XeroFailure {
  if (error instanceof XeroIssuerMismatchError) throw error;
  if (error instanceof MalformedXeroResponseError) return { kind: "malformed" };
  const e = toXeroApiError(error);
  if (e.status === 0) return { kind: "network" };
  return { kind: "http", status: e.status, headers: e.headers };
}

/** Xero's list envelope `{…, DateTimeUTC, <key>: [records]}` from the response's bytes, record by record. */
export function parseEnvelope(data: unknown, key: string): SourcePage {
  // Not Xero's doing: the client was not created with wireResponses.
  if (!Buffer.isBuffer(data) && typeof data !== "string") throw new TypeError(`Xero's ${key} answer was not kept as bytes`);
  let scanned;
  try {
    scanned = scanEnvelope(data, key);
  } catch (error) {
    if (!(error instanceof MalformedJsonError)) throw error;
    throw new MalformedXeroResponseError(`Xero's ${key} answer is cut short or not JSON (${data.length} bytes: ${error.message})`);
  }
  let serverTime: Date | null = null;
  try {
    serverTime = toInstant(scanned.members.DateTimeUTC);
  } catch {
    serverTime = null;
  }
  return { records: scanned.records, serverTime };
}

export { MalformedXeroResponseError };

export function createXeroSource(config?: Partial<XeroSourceConfig>): XeroSource {
  const env = getEnv();
  const identityUrl = config?.identityUrl ?? env.XERO_IDENTITY_URL;
  const apiUrl = config?.apiUrl ?? env.XERO_API_URL;
  const timeoutMs = config?.timeoutMs ?? env.XERO_TIMEOUT_MS;
  let cached: { token: string; client: ReturnType<typeof createApiClient> } | undefined;
  const clientFor = (token: string) => {
    if (cached?.token !== token) cached = { token, client: createApiClient({ identityUrl, apiUrl, timeoutMs }, token, { wireResponses: true }) };
    return cached.client;
  };

  return {
    async list(entity, token, xeroTenantId, q) {
      const { response } = await entity.xero.request(clientFor(token).accountingApi, xeroTenantId, q);
      return { value: parseEnvelope(response.data, entity.xero.endpoint), headers: normalizeHeaders(response.headers) };
    },
    classify: classifyXeroError,
  };
}
