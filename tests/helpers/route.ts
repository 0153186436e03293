// Next sets this global up before loading anything else (its server entry does the same).
import "next/dist/server/node-environment-baseline";
import { workAsyncStorage } from "next/dist/server/app-render/work-async-storage.external";
import { workUnitAsyncStorage } from "next/dist/server/app-render/work-unit-async-storage.external";
import { RequestCookies } from "next/dist/server/web/spec-extension/cookies";
import type { DatabaseHandle } from "@/lib/db";

/**
 * Calls an app/api route handler as Next would, on a test database: `headers()` and `cookies()` read
 * the request's own (Next's request scope; a session cookie signs the request in), and `getDb()` answers `db` (the process handle lib/db keeps
 * on globalThis). The handler, its wrapper and its lib/ code all run unchanged.
 */
export async function callRoute(handler: (request: Request) => Promise<Response>, request: Request, db: DatabaseHandle): Promise<Response> {
  const g = globalThis as unknown as { __xeroSyncDb?: Promise<DatabaseHandle> };
  const before = g.__xeroSyncDb;
  g.__xeroSyncDb = Promise.resolve(db);
  try {
    // The two stores Next opens around a route handler, with just what headers() and cookies() read.
    const work = { route: new URL(request.url).pathname, forceStatic: false } as unknown as Parameters<typeof workAsyncStorage.run>[0];
    const cookies = new RequestCookies(request.headers);
    const unit = { type: "request", phase: "action", headers: request.headers, cookies, userspaceMutableCookies: cookies } as unknown as Parameters<typeof workUnitAsyncStorage.run>[0];
    return await workAsyncStorage.run(work, () => workUnitAsyncStorage.run(unit, () => handler(request)));
  } finally {
    g.__xeroSyncDb = before;
  }
}
