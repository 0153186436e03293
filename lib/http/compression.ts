import { promisify } from "node:util";
import { brotliCompress, constants, gzip } from "node:zlib";

/**
 * Compression of the read API's JSON, by the request's Accept-Encoding. `next start` compresses
 * pages but sends every route handler's answer as is: Next copies a Response's headers with
 * appendHeader, so Content-Type reaches its compression middleware as an array, which that
 * middleware takes for not compressible. A 200-record page of invoices is ~150 KB of JSON and
 * ~15 KB compressed, so the API compresses its answers itself; Next's middleware leaves an answer
 * that already has a Content-Encoding alone, so nothing is compressed twice once Next mends this.
 */

export type ContentEncoding = "br" | "gzip";

/** Below about one packet, compressing saves nothing worth the CPU (Next's own threshold too). */
const MIN_BYTES = 1024;

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/**
 * The encoding to answer with: br when the client takes it (smaller at a similar cost), else
 * gzip; none without Accept-Encoding or when both are refused (`;q=0`). `*` stands for either.
 */
export function negotiateEncoding(acceptEncoding: string | null): ContentEncoding | null {
  if (!acceptEncoding) return null;
  const q = new Map<string, number>();
  for (const part of acceptEncoding.split(",")) {
    const [name, ...params] = part.trim().toLowerCase().split(";");
    if (!name) continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    const value = qParam ? Number(qParam.slice(2)) : 1;
    q.set(name, Number.isFinite(value) ? value : 0);
  }
  const takes = (name: ContentEncoding) => (q.get(name) ?? q.get("*") ?? 0) > 0;
  if (takes("br")) return "br";
  if (takes("gzip")) return "gzip";
  return null;
}

/**
 * `body` as the request asks for it: the bytes and the header to add (Content-Encoding). Small
 * bodies stay as they are. The caller's answer varies by Accept-Encoding (its Vary says so).
 */
export async function encodeBody(request: Request, body: string): Promise<{ body: string | Uint8Array<ArrayBuffer>; headers: Record<string, string> }> {
  const encoding = Buffer.byteLength(body) >= MIN_BYTES ? negotiateEncoding(request.headers.get("accept-encoding")) : null;
  if (!encoding) return { body, headers: {} };
  // Brotli quality 5: about gzip's speed at a smaller size (the default, 11, is ~10× slower).
  const bytes = encoding === "br" ? await brotli(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } }) : await gzipAsync(body);
  return { body: new Uint8Array(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength), headers: { "content-encoding": encoding } };
}
