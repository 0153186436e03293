/**
 * One typed error for everything that fails when talking to Xero, classified by HTTP status and
 * headers (never by message text). xero-node rejects in several shapes; `toXeroApiError` turns
 * any of them into a `XeroApiError`:
 * - accountingApi methods reject with a JSON *string* of
 *   `{response: {statusCode, body, headers, request}, body}` (statusCode 0 when no response);
 * - XeroClient.queryApi / tokenRequest reject with a redacted axios error or `{response, body}`;
 * - openid-client rejects with OPError (`error`, `error_description`, `response.statusCode`) or
 *   RPError (a validation failure on our side, e.g. a bad id_token or state mismatch);
 * - network failures (timeout, reset, refused) have no response at all.
 */

export type XeroErrorKind =
  | "unauthorized" // 401: token expired, revoked or unknown; scope missing
  | "forbidden" // 403: tenant not connected for this grant
  | "not_found" // 404
  | "validation" // 400 ValidationException (bad parameters)
  | "oauth" // 400 from the token endpoint: invalid_grant, invalid_client, …
  | "rate_limited" // 429
  | "server" // 5xx
  | "network" // no response: timeout, dropped connection, refused
  | "client" // a check on our side failed (openid-client RPError: state, nonce, id_token)
  | "unknown";

export type RateLimitProblem = "concurrent" | "minute" | "day" | "appminute";

export class XeroApiError extends Error {
  override readonly name = "XeroApiError";
  constructor(
    readonly kind: XeroErrorKind,
    /** HTTP status; 0 when there was no response. */
    readonly status: number,
    /** Response headers, lower-cased names. */
    readonly headers: Record<string, string>,
    /** Parsed JSON body when it was JSON, else the text (or undefined). */
    readonly body: unknown,
    message: string,
    /** OAuth error code (invalid_grant, …) for kind "oauth". */
    readonly oauthError?: string,
  ) {
    super(message);
  }

  /** Which Xero limit a 429 hit (X-Rate-Limit-Problem). */
  get rateLimitProblem(): RateLimitProblem | undefined {
    const p = this.headers["x-rate-limit-problem"]?.toLowerCase();
    return p === "concurrent" || p === "minute" || p === "day" || p === "appminute" ? p : undefined;
  }

  /** Retry-After in ms (429 and some 503s), if sent. */
  get retryAfterMs(): number | undefined {
    const v = this.headers["retry-after"];
    if (v === undefined) return undefined;
    const s = Number(v);
    if (Number.isFinite(s)) return Math.max(0, s * 1000);
    const at = Date.parse(v);
    return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
  }

  /** 401 because the access token expired (WWW-Authenticate error_description), so a refresh helps. */
  get tokenExpired(): boolean {
    return this.status === 401 && /expired/i.test(this.headers["www-authenticate"] ?? "");
  }

  /** The refresh token or code is no longer valid: the user must reconnect. */
  get invalidGrant(): boolean {
    return this.kind === "oauth" && this.oauthError === "invalid_grant";
  }

  /** Worth retrying later (after Retry-After for 429; with backoff for 5xx and network errors). */
  get retryable(): boolean {
    return this.kind === "rate_limited" || this.kind === "server" || this.kind === "network";
  }
}

function lowerHeaders(h: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!h || typeof h !== "object") return out;
  // axios 1.x AxiosHeaders has toJSON(); plain objects and IncomingHttpHeaders are iterable by entries.
  const src = typeof (h as { toJSON?: unknown }).toJSON === "function" ? (h as { toJSON: () => Record<string, unknown> }).toJSON() : (h as Record<string, unknown>);
  for (const [k, v] of Object.entries(src)) if (v !== undefined && v !== null) out[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : String(v);
  return out;
}

function parseBody(b: unknown): unknown {
  // A Buffer body (responseType "arraybuffer"), as is or after xero-node's JSON.stringify.
  if (Buffer.isBuffer(b)) b = b.toString("utf8");
  else if (b && typeof b === "object" && (b as { type?: unknown }).type === "Buffer" && Array.isArray((b as { data?: unknown }).data)) {
    b = Buffer.from((b as { data: number[] }).data).toString("utf8");
  }
  if (typeof b !== "string") return b;
  const t = b.trim();
  if (t.startsWith("{") || t.startsWith("[")) {
    try {
      return JSON.parse(t);
    } catch {
      return b;
    }
  }
  return b;
}

export function classifyStatus(status: number, body: unknown): XeroErrorKind {
  if (status === 0) return "network";
  if (status === 401) return "unauthorized";
  if (status === 403) return "forbidden";
  if (status === 404) return "not_found";
  if (status === 429) return "rate_limited";
  if (status >= 500) return "server";
  if (status === 400) {
    if (body && typeof body === "object" && typeof (body as { error?: unknown }).error === "string") return "oauth";
    return "validation";
  }
  return "unknown";
}

/** Builds the error from a status, headers and body (used by our own fetch-based calls too). */
export function xeroErrorFrom(status: number, headers: unknown, rawBody: unknown, fallbackMessage?: string): XeroApiError {
  const body = parseBody(rawBody);
  const h = lowerHeaders(headers);
  const kind = classifyStatus(status, body);
  const oauthError = kind === "oauth" ? String((body as { error: string }).error) : undefined;
  const detail =
    body && typeof body === "object"
      ? String((body as Record<string, unknown>).Detail ?? (body as Record<string, unknown>).Message ?? (body as Record<string, unknown>).error_description ?? (body as Record<string, unknown>).error ?? "")
      : typeof body === "string"
        ? body.slice(0, 200)
        : "";
  const message = `Xero ${status || "network error"}${detail ? `: ${detail}` : fallbackMessage ? `: ${fallbackMessage}` : ""}`;
  return new XeroApiError(kind, status, h, body, message, oauthError);
}

/** Turns any xero-node / openid-client / fetch rejection into a XeroApiError. */
export function toXeroApiError(err: unknown): XeroApiError {
  if (err instanceof XeroApiError) return err;
  // accountingApi: a JSON string.
  if (typeof err === "string") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(err);
    } catch {
      return new XeroApiError("unknown", 0, {}, err, err.slice(0, 200));
    }
    return toXeroApiError(parsed);
  }
  if (err && typeof err === "object") {
    const e = err as Record<string, unknown>;
    // openid-client OPError: an OAuth error answer from the token / revocation endpoint.
    if (e.name === "OPError" && typeof e.error === "string") {
      const res = e.response as { statusCode?: number; headers?: unknown } | undefined;
      return new XeroApiError("oauth", res?.statusCode ?? 400, lowerHeaders(res?.headers), { error: e.error, error_description: e.error_description }, `Xero OAuth error: ${e.error}`, e.error);
    }
    if (e.name === "RPError") {
      const res = e.response as { statusCode?: number; headers?: unknown; body?: unknown } | undefined;
      if (res?.statusCode && res.statusCode >= 400) return xeroErrorFrom(res.statusCode, res.headers, res.body);
      return new XeroApiError("client", 0, {}, undefined, String(e.message ?? "OpenID Connect check failed"));
    }
    const response = e.response as Record<string, unknown> | undefined;
    if (response && typeof response === "object") {
      // {response: {statusCode, body, headers}} (accountingApi, parsed) or axios {status, data, headers}.
      const status = Number(response.statusCode ?? response.status ?? 0);
      const body = "body" in response ? response.body : "data" in response ? response.data : e.body;
      if (status) return xeroErrorFrom(status, response.headers, body);
      return new XeroApiError("network", 0, {}, body, `Xero network error: ${typeof body === "string" ? body : String(e.message ?? "no response")}`);
    }
    if (typeof e.code === "string" || e.name === "AbortError" || e.name === "TimeoutError" || e.name === "TypeError") {
      return new XeroApiError("network", 0, {}, undefined, `Xero network error: ${String(e.code ?? e.name)}: ${String(e.message ?? "")}`);
    }
    if (err instanceof Error) return new XeroApiError("unknown", 0, {}, undefined, err.message);
  }
  return new XeroApiError("unknown", 0, {}, err, String(err));
}
