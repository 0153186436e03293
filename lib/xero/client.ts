/**
 * The one place that builds a xero-node client (the only xero-node import in the app), for the
 * Accounting API. Identity calls (consent, tokens, revocation, /connections) are ./identity.ts.
 *
 * xero-node 20 quirks handled here:
 * - only `accountingApi.basePath` has a setter (the identity hosts are hard-coded): it is set to
 *   `${apiUrl}/api.xro/2.0`, and for a client that needs xero-node's own consent / refresh /
 *   revoke calls, an openid-client `Client` from ./identity.ts is injected as `xero.openIdClient`
 *   (then `initialize()`, which would touch openid-client's global options, is never needed);
 * - accountingApi has no request timeout (plain axios); a default Authentication hook adds one;
 * - `state` is fixed per XeroClient instance and `buildConsentUrl()` adds no PKCE, so consent goes
 *   through ./identity.ts (openid-client directly);
 * - accountingApi errors reject with a JSON *string*: use `toXeroApiError` (./errors);
 * - every `/Date(…)/` value becomes a JS Date, also calendar dates (Date, DueDate), and money is
 *   a JS number; and the deserialiser is slow. The sync reads Xero's wire JSON instead
 *   (`wireResponses`) and maps it itself (lib/entities/values.ts).
 */
import { brotliDecompressSync, unzipSync } from "node:zlib";
import { XeroClient } from "xero-node";
import { meterAnswer, meterCall } from "@/lib/usage/meter";
import { getOpenIdClient, timeoutOf, xeroEndpoints, type TokenSet, type XeroConfig } from "./identity";
import { assertAccessTokenFor } from "./issuer";

export { XeroClient } from "xero-node";
/** The Accounting API of a client (what entity definitions call to list their records). */
export type XeroAccountingApi = XeroClient["accountingApi"];

/**
 * A XeroClient pointed at the configured URLs, with a timeout on every accountingApi call and
 * xero-node's identity calls working against the configured identity service.
 * Pass a stored token set to call the API right away.
 */
export async function createXeroClient(config: XeroConfig, tokenSet?: TokenSet | Record<string, unknown>): Promise<XeroClient> {
  const timeoutMs = timeoutOf(config);
  const xero = new XeroClient({ clientId: config.clientId, clientSecret: config.clientSecret, redirectUris: config.redirectUris, scopes: config.scopes, httpTimeout: timeoutMs });
  xero.openIdClient = await getOpenIdClient(config);
  xero.accountingApi.basePath = xeroEndpoints(config).accounting;
  // The generated API calls axios(options) after running `authentications.default.applyToRequest`
  // on those options (VoidAuth by default): the one hook where a timeout can be added per client.
  xero.accountingApi.setDefaultAuthentication({
    applyToRequest: (options) => {
      options.timeout = timeoutMs;
    },
  });
  if (tokenSet) xero.setTokenSet(tokenSet as TokenSet);
  return xero;
}

export interface ApiClientOptions {
  /**
   * Keep Xero's response body as the bytes it sent (`response.data` is a Buffer, `body` an empty
   * model) instead of letting xero-node deserialise it into models. xero-node still builds and
   * authenticates every request; only its ObjectSerializer is skipped. The sync engine uses this:
   * the deserialiser walks every attribute of every model (~80 ms of CPU per 1,000-invoice page,
   * more than fetching and JSON-parsing the page), and the engine stores the wire JSON anyway
   * (lib/sync/wire-json.ts; README "Benchmarks"). Error bodies arrive as bytes too:
   * `toXeroApiError` decodes them.
   */
  wireResponses?: boolean;
}

/**
 * Counts one wire answer for the usage meter and hands on its decoded body. axios (xero-node's
 * HTTP client) asks for gzip / deflate / br and normally inflates the body in its adapter before
 * any hook sees it, so the length we could read would be the inflated one, not what Xero billed as
 * egress. With `decompress: false` the body arrives as the bytes received (Xero compresses when
 * asked; the simulator does not), is counted, and is inflated here.
 */
function meteredBody(xeroTenantId: string) {
  return (data: unknown, headers: unknown): unknown => {
    const h = headers as { get?(name: string): unknown; delete?(name: string): unknown } | undefined;
    const bytes = Buffer.isBuffer(data) ? data.length : typeof data === "string" ? Buffer.byteLength(data) : 0;
    const remaining = h?.get?.("x-daylimit-remaining");
    meterAnswer(xeroTenantId, bytes, remaining === undefined || remaining === null ? {} : { "x-daylimit-remaining": String(remaining) });
    if (!Buffer.isBuffer(data) || !data.length) return data;
    const encoding = String(h?.get?.("content-encoding") ?? "").toLowerCase();
    if (!encoding || encoding === "identity") return data;
    h?.delete?.("content-encoding");
    return encoding === "br" ? brotliDecompressSync(data) : unzipSync(data);
  };
}

/**
 * A XeroClient for Accounting API calls only, with an access token from the token store: no
 * discovery, no network until the first call. For the sync engine. Throws
 * XeroIssuerMismatchError for a token of another issuer than `config.identityUrl`.
 */
export function createApiClient(config: Pick<XeroConfig, "identityUrl" | "apiUrl" | "timeoutMs">, accessToken: string, options: ApiClientOptions = {}): XeroClient {
  assertAccessTokenFor(config.identityUrl, accessToken);
  const timeoutMs = timeoutOf(config);
  const xero = new XeroClient();
  xero.accountingApi.basePath = xeroEndpoints(config).accounting;
  // xero-node hands every request's axios config to this hook before sending it.
  xero.accountingApi.setDefaultAuthentication({
    applyToRequest: (request) => {
      request.timeout = timeoutMs;
      // axios parses JSON only for responseType "json"; "arraybuffer" leaves the body as bytes.
      if (options.wireResponses) request.responseType = "arraybuffer";
      // Every request is metered: sent here (one hook run per request, retries included); its
      // answer's bytes as received, success or failure (axios transforms error bodies too).
      const xeroTenantId = String((request.headers as Record<string, unknown> | undefined)?.["xero-tenant-id"] ?? "");
      meterCall(xeroTenantId);
      if (options.wireResponses) {
        const r = request as typeof request & { decompress?: boolean; transformResponse?: unknown };
        r.decompress = false;
        r.transformResponse = [meteredBody(xeroTenantId)];
      }
    },
  });
  xero.setTokenSet({ access_token: accessToken, token_type: "Bearer" });
  return xero;
}
