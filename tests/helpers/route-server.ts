/**
 * Serves a route handler (`(request: Request) => Promise<Response>`) over real HTTP the way
 * Next.js's Node server hands it requests: the body is the IncomingMessage itself, pulled by the
 * handler as it reads (so backpressure reaches the client), not buffered first. Records, per
 * request, the status answered and how many body bytes the handler pulled, and keeps each
 * complete body with its headers so a test can replay a captured delivery.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface ServedRequest {
  status: number;
  /** Body bytes the handler pulled from the socket. */
  pulledBytes: number;
  body: Buffer;
  headers: Record<string, string>;
}

export interface RouteServer {
  url: string;
  requests: ServedRequest[];
  close(): Promise<void>;
}

export async function serveRoute(path: string, handler: (request: Request) => Promise<Response>): Promise<RouteServer> {
  const requests: ServedRequest[] = [];
  const server = http.createServer((req, res) => {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers[k] = v;
    const chunks: Buffer[] = [];
    let pulled = 0;
    async function* body() {
      for await (const chunk of req as AsyncIterable<Buffer>) {
        pulled += chunk.length;
        chunks.push(chunk);
        yield chunk;
      }
    }
    const hasBody = req.method !== "GET" && req.method !== "HEAD";
    const request = new Request(`http://127.0.0.1${req.url ?? path}`, {
      method: req.method,
      headers,
      ...(hasBody ? { body: body() as unknown as BodyInit, duplex: "half" } : {}),
    } as RequestInit);
    handler(request)
      .then(async (response) => {
        const payload = Buffer.from(await response.arrayBuffer());
        requests.push({ status: response.status, pulledBytes: pulled, body: Buffer.concat(chunks), headers });
        res.writeHead(response.status, Object.fromEntries(response.headers));
        res.end(payload);
      })
      .catch((error: unknown) => {
        requests.push({ status: 500, pulledBytes: pulled, body: Buffer.concat(chunks), headers });
        res.writeHead(500).end(String(error));
      });
  });
  // As the simulator's server (lib/xero-simulator/server.ts): a busy event loop must not close an
  // idle socket under the next request.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * POSTs `total` bytes in chunks without a Content-Length (or with `declaredLength` and nothing
 * sent), honouring backpressure, and stops as soon as the response arrives. Resolves with the
 * status and the bytes the client had managed to hand to the socket by then.
 */
export function postStreaming(url: string, options: { total: number; chunkBytes?: number; declaredLength?: number }): Promise<{ status: number; sentBytes: number }> {
  const chunk = Buffer.alloc(options.chunkBytes ?? 64 * 1024, 0x20);
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = http.request(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...(options.declaredLength !== undefined ? { "content-length": String(options.declaredLength) } : {}) },
    });
    req.on("response", (res) => {
      answered = true;
      res.resume();
      resolve({ status: res.statusCode ?? 0, sentBytes: sent });
      req.destroy();
    });
    req.on("error", (error) => {
      if (!answered) reject(error);
    });
    if (options.declaredLength !== undefined) {
      req.flushHeaders();
      return;
    }
    const pump = () => {
      while (!answered && sent < options.total) {
        sent += chunk.length;
        if (!req.write(chunk)) {
          req.once("drain", pump);
          return;
        }
      }
      if (!answered) req.end();
    };
    pump();
  });
}
