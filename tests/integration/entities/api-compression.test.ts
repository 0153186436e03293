import { callRoute } from "@/tests/helpers/route"; // first: sets up Next's runtime for the route modules below
import http from "node:http";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "@/lib/api-tokens";
import { GET as getEntityApi } from "@/app/api/v1/[entity]/route";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/db";
import { serveRoute, type RouteServer } from "@/tests/helpers/route-server";
import { seedContacts, seedInvoices, seedTenant, seedUser } from "@/tests/helpers/seed-mirror";

/**
 * The read API's JSON over a real HTTP server, compressed by Accept-Encoding (br preferred, then
 * gzip; none when not asked for or refused), the same JSON and the same weak ETag whichever
 * encoding, and a 304 without a body under any of them. `next start` does not compress route
 * handlers' answers itself (lib/http/compression.ts says why), so the handler's bytes are what
 * a client receives.
 */

describe("read API compression over HTTP", () => {
  let t: TestDatabase;
  let server: RouteServer;
  let token: string;

  beforeAll(async () => {
    t = await createTestDatabase();
    const user = await seedUser(t.db);
    const tenant = await seedTenant(t.db, user.id);
    await seedInvoices(t.db, tenant.id, 300, await seedContacts(t.db, tenant.id, 40));
    token = (await createApiToken(t.db, user.id, "compression test")).token;
    server = await serveRoute("/api/v1/invoices", (request) => callRoute(getEntityApi, request, t, { entity: new URL(request.url).pathname.split("/")[3]! }));
  });
  afterAll(async () => {
    await server?.close();
    await t?.close();
  });

  /** A raw GET (node:http decodes nothing): status, headers and the bytes as sent. */
  const get = (pathAndQuery: string, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; headers: http.IncomingHttpHeaders; bytes: Buffer }>((resolve, reject) => {
      const url = new URL(pathAndQuery, server.url);
      http
        .get(url, { headers: { authorization: `Bearer ${token}`, ...headers } }, (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, bytes: Buffer.concat(chunks) }));
        })
        .on("error", reject);
    });

  const decode = (r: { headers: http.IncomingHttpHeaders; bytes: Buffer }) => {
    const encoding = r.headers["content-encoding"];
    const raw = encoding === "br" ? brotliDecompressSync(r.bytes) : encoding === "gzip" ? gunzipSync(r.bytes) : r.bytes;
    return JSON.parse(raw.toString("utf8")) as unknown;
  };

  it("compresses a list page with br or gzip as the client accepts, the same JSON and ETag as uncompressed", async () => {
    const page = "/api/v1/invoices?limit=200";
    const plain = await get(page);
    expect(plain.status).toBe(200);
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.headers.vary).toMatch(/Accept-Encoding/);
    const json = decode(plain);
    expect((json as { data: unknown[] }).data).toHaveLength(200);

    const cases: [string, string | undefined][] = [
      ["gzip, deflate, br", "br"],
      ["br;q=1.0, gzip;q=0.8", "br"],
      ["gzip", "gzip"],
      ["br;q=0, gzip", "gzip"],
      ["*", "br"],
      ["identity", undefined],
      ["br;q=0, gzip;q=0", undefined],
    ];
    for (const [accept, want] of cases) {
      const r = await get(page, { "accept-encoding": accept });
      expect(r.status, accept).toBe(200);
      expect(r.headers["content-encoding"], accept).toBe(want);
      expect(decode(r), accept).toEqual(json);
      expect(r.headers.etag, accept).toBe(plain.headers.etag);
      if (want) expect(r.bytes.length, accept).toBeLessThan(plain.bytes.length / 4);
    }
  });

  it("answers 304 without a body under any encoding, and leaves small answers uncompressed", async () => {
    const page = "/api/v1/invoices?limit=50";
    const first = await get(page, { "accept-encoding": "gzip" });
    const etag = first.headers.etag!;
    for (const accept of ["br", "gzip", "identity"]) {
      const again = await get(page, { "accept-encoding": accept, "if-none-match": etag });
      expect(again.status, accept).toBe(304);
      expect(again.bytes.length, accept).toBe(0);
      expect(again.headers["content-encoding"], accept).toBeUndefined();
    }
    // An empty page of the change feed is a few dozen bytes: sent as is.
    let cursor = "0";
    for (let more = true; more; ) {
      const r = decode(await get(`/api/v1/invoices?changed_since=${cursor}&limit=1000`)) as { changes: { next: string; has_more: boolean } };
      cursor = r.changes.next;
      more = r.changes.has_more;
    }
    const empty = await get(`/api/v1/invoices?changed_since=${cursor}`, { "accept-encoding": "br, gzip" });
    expect(empty.headers["content-encoding"]).toBeUndefined();
    expect(decode(empty)).toEqual({ data: [], changes: { next: cursor, has_more: false } });
  });
});
