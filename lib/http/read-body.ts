/**
 * Reads a request body up to a byte limit without buffering more than the limit: a Content-Length
 * over it is refused before anything is read, and a body sent without one (chunked) is read chunk
 * by chunk with a running count, stopping as soon as the count passes the limit. The rest is left
 * unread (the stream is released, not cancelled: cancelling would destroy the socket under Node's
 * HTTP server before the refusal is written), so answer with `connection: close`.
 */

export type LimitedBody = { ok: true; bytes: Buffer } | { ok: false; reason: "too_large"; receivedBytes: number };

export async function readBodyWithLimit(request: Request, maxBytes: number): Promise<LimitedBody> {
  const declared = request.headers.get("content-length");
  if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared) > maxBytes) {
    return { ok: false, reason: "too_large", receivedBytes: 0 };
  }
  if (!request.body) return { ok: true, bytes: Buffer.alloc(0) };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      received += value.byteLength;
      if (received > maxBytes) return { ok: false, reason: "too_large", receivedBytes: received };
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  return { ok: true, bytes: Buffer.concat(chunks, received) };
}
