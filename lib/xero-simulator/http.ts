/** Tiny HTTP helpers shared by the simulator's route modules (no framework on purpose). */
import type { IncomingMessage, ServerResponse } from "node:http";

export interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  /** Path without the query string, as sent. */
  path: string;
  query: URLSearchParams;
  /** Raw request body (read before routing for POST/PUT/DELETE). */
  body: string;
  /** Log entry of this request; handlers fill in tenantId. */
  log: LogEntry;
  /** A bad-value fault: the first record of the list answer gets `field` = `value`. */
  badValue?: { field: string; value: unknown };
}

export interface LogEntry {
  seq: number;
  method: string;
  path: string;
  query: Record<string, string>;
  tenantId: string | null;
  status: number;
  timestamp: string;
  durationMs: number;
  /** "identity" (OIDC endpoints, /connections), "api" (Accounting API) or "page" (HTML). */
  kind: "identity" | "api" | "page";
  fault?: string;
  /** Response body bytes written (what the client received, as sent: after any content encoding). */
  bytes?: number;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string | number> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const buf = Buffer.from(JSON.stringify(body), "utf8"); // encode once (pages are ~2 MB)
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": buf.length, ...headers });
  res.end(buf);
}

export function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string | number> = {}): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendHtml(res: ServerResponse, status: number, html: string): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { "content-type": "text/html; charset=utf-8", "content-length": Buffer.byteLength(html), "cache-control": "no-store" });
  res.end(html);
}

export function redirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { location, "cache-control": "no-store" });
  res.end();
}

export function readBody(req: IncomingMessage, limit = 5_000_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new Error("body too large"));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** Parses a JSON body; returns {} for an empty body, throws HttpError 400 on bad JSON. */
export function jsonBody(ctx: Ctx): Record<string, unknown> {
  if (!ctx.body.trim()) return {};
  try {
    const v: unknown = JSON.parse(ctx.body);
    if (v && typeof v === "object" && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    /* fall through */
  }
  throw new HttpError(400, { error: "invalid_json", message: "request body must be a JSON object" });
}

export function formBody(ctx: Ctx): URLSearchParams {
  return new URLSearchParams(ctx.body);
}

/** Thrown by handlers to answer with a given status and JSON body. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string | number> = {},
  ) {
    super(typeof body === "object" ? JSON.stringify(body) : String(body));
  }
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);
}
