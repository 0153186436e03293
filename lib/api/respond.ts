import type { z } from "zod";
import { AppError } from "@/lib/errors";

/**
 * A read-API answer shaped through its response schema (lib/api/schemas.ts): the value as JSON
 * carries it (dates as ISO strings) parsed by the schema the OpenAPI document is generated from,
 * so what is sent is what is documented. A mismatch is our bug: a 500 (logged), never a 400.
 */
export function shapedJson(schema: z.ZodType, body: unknown, status = 200): Response {
  return Response.json(shapedBody(schema, body), { status, headers: { "cache-control": "no-store" } });
}

/** The body shaped as shapedJson sends it, for answers that add more (an ETag: lib/http/etag.ts). */
export function shapedBody(schema: z.ZodType, body: unknown): unknown {
  const parsed = schema.safeParse(JSON.parse(JSON.stringify(body ?? null)));
  if (!parsed.success) throw new AppError("internal", undefined, { cause: new Error(`response does not match its schema: ${JSON.stringify(parsed.error.issues.slice(0, 5))}`) });
  return parsed.data;
}
