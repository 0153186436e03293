/**
 * GET /api/v1/openapi.json — the read API's OpenAPI 3.1 document, generated from the zod schemas
 * the routes parse and answer with (lib/api/openapi.ts). Public: it describes the API, holds no
 * data, and tools fetch it without credentials.
 */
import { routeParams } from "@/lib/api/params";
import { openApiDocument } from "@/lib/api/openapi";
import { shapedJson } from "@/lib/api/respond";
import { apiRoute, successSchema } from "@/lib/api/routes";
import { errorResponse } from "@/lib/http/handler";

export const dynamic = "force-dynamic";

const route = apiRoute("GET", "/api/v1/openapi.json");

export async function GET(request: Request): Promise<Response> {
  try {
    routeParams(route, request);
    return shapedJson(successSchema(route), openApiDocument());
  } catch (error) {
    return errorResponse(error, "GET /api/v1/openapi.json");
  }
}
