import { unstable_rethrow } from "next/navigation";
import { z } from "zod";
import { getCurrentUser, type CurrentUser } from "@/lib/auth/session";
import { getEnv } from "@/lib/env";
import { AppError, toAppError, type ErrorType } from "@/lib/errors";
import { logServerError } from "@/lib/log";

/**
 * The one wrapper every entry point goes through (saas-starter's validatedActionWithUser, dub's
 * withWorkspace): check the session, validate the input with zod, call lib/, map errors to the
 * error vocabulary of lib/errors.ts. Causes are logged (redacted); clients get the code and a
 * safe message, never a stack, a token or Xero's raw answer.
 */

type RouteParams = Record<string, string | string[] | undefined>;
/** The second argument Next passes to route handlers (params is a Promise since Next 15). */
export interface RouteContext {
  params?: Promise<RouteParams> | RouteParams;
}

export interface HandlerArgs<I, U extends CurrentUser = CurrentUser> {
  user: U;
  input: I;
  request: Request;
}

/** A caller may owe headers on every answer it gets, errors included (an API token's RateLimit-*). */
type Caller = CurrentUser & { responseHeaders?: Record<string, string> };

export interface WrapperOptions<U extends Caller = CurrentUser> {
  /** Who is calling; defaults to the next-auth session. Tests (and API-token callers) pass their own. */
  getUser?: () => Promise<U | null>;
  /** Name used in logs, e.g. "GET /api/invoices". */
  name?: string;
}

/**
 * Wraps a route handler: 401 without a session; the input is the route params, the query string
 * and (for methods with a body) the JSON or form body, merged (params win) and parsed with
 * `schema`; a ZodError answers 400 with the issues by field. The handler returns a Response, or
 * any JSON-serialisable value (sent as 200 JSON).
 *
 * ```ts
 * export const GET = withUser(z.object({ tenantId: z.uuid() }), async ({ user, input }) =>
 *   listInvoicesByTenant(await getDb(), user.id, input.tenantId));
 * ```
 */
export function withUser<S extends z.ZodType, U extends Caller = CurrentUser>(
  schema: S,
  fn: (args: HandlerArgs<z.output<S>, U>) => Promise<unknown> | unknown,
  options: WrapperOptions<U> = {},
): (request: Request, context?: RouteContext) => Promise<Response> {
  return async (request, context) => {
    const where = options.name ?? `${request.method} ${safePath(request)}`;
    let user: U | null = null;
    try {
      assertSameOrigin(request);
      user = await (options.getUser ?? (getCurrentUser as () => Promise<U | null>))();
      if (!user) throw new AppError("unauthorized");
      const raw = await readRouteInput(request, context);
      const input = schema.parse(raw);
      const result = await fn({ user, input, request });
      const response = result instanceof Response ? result : Response.json(result ?? null, { headers: { "cache-control": "no-store" } });
      return withHeaders(response, user.responseHeaders);
    } catch (error) {
      unstable_rethrow(error); // redirect() / notFound() from next/navigation
      return withHeaders(errorResponse(error, where), user?.responseHeaders);
    }
  };
}

function withHeaders(response: Response, headers: Record<string, string> | undefined): Response {
  if (!headers) return response;
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

/** An error as the JSON response the API documents: `{ error: { code, message, details? } }`. */
export function errorResponse(error: unknown, where = "api"): Response {
  const appError = error instanceof z.ZodError ? validationError(error) : toAppError(error);
  if (appError.status >= 500 || appError.type === "conflict") logServerError(where, error);
  const headers: Record<string, string> = { ...appError.headers, "cache-control": "no-store" };
  return Response.json(appError.toJSON(), { status: appError.status, headers });
}

/** A ZodError → AppError("bad_request") with the issues by field (messages only, never the values). */
export function validationError(error: z.ZodError): AppError {
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.map(String).join(".") : "_";
    (fieldErrors[key] ??= []).push(issue.message);
  }
  return new AppError("bad_request", "Some input is not valid.", { cause: error, details: { fieldErrors } });
}

// ───────────────────────── server actions ─────────────────────────

export type ActionResult<T> =
  | { ok: true; data: T }
  | { ok: false; error: { code: ErrorType; message: string; fieldErrors?: Record<string, string[]> } };

/**
 * Wraps a server action: checks the session, parses the input (FormData or a plain object) with
 * `schema`, runs `fn`, and returns an ActionResult instead of throwing (redirect() still works).
 * Works both with `useActionState` (called as `(previousState, formData)`) and called directly
 * with one argument.
 *
 * ```ts
 * export const disconnectTenantAction = validatedActionWithUser(
 *   z.object({ tenantId: z.uuid() }), async (input, user) => disconnectTenant(await getDb(), user.id, input.tenantId));
 * ```
 */
export function validatedActionWithUser<S extends z.ZodType, T>(
  schema: S,
  fn: (input: z.output<S>, user: CurrentUser) => Promise<T>,
  options: WrapperOptions = {},
): (previousStateOrInput?: unknown, formData?: unknown) => Promise<ActionResult<T>> {
  return async (...args: unknown[]) => {
    const where = options.name ?? "server action";
    try {
      const user = await (options.getUser ?? getCurrentUser)();
      if (!user) throw new AppError("unauthorized");
      const rawInput = args.length >= 2 ? args[1] : args[0];
      const input = schema.parse(rawInput instanceof FormData ? formDataToObject(rawInput) : (rawInput ?? {}));
      return { ok: true, data: await fn(input, user) };
    } catch (error) {
      unstable_rethrow(error);
      const appError = error instanceof z.ZodError ? validationError(error) : toAppError(error);
      if (appError.status >= 500 || appError.type === "conflict") logServerError(where, error);
      const fieldErrors = (appError.details as { fieldErrors?: Record<string, string[]> } | undefined)?.fieldErrors;
      return { ok: false, error: { code: appError.type, message: appError.publicMessage, ...(fieldErrors ? { fieldErrors } : {}) } };
    }
  };
}

// ───────────────────────── input ─────────────────────────

async function readRouteInput(request: Request, context?: RouteContext): Promise<Record<string, unknown>> {
  const params = (await context?.params) ?? {};
  const url = new URL(request.url);
  const query = searchParamsToObject(url.searchParams);
  let body: Record<string, unknown> = {};
  if (request.method !== "GET" && request.method !== "HEAD") body = await readBody(request);
  return { ...query, ...body, ...params };
}

/** Inputs of this API are small (ids, filters, flags): refuse bodies over 1 MB before reading them. */
const MAX_BODY_BYTES = 1_000_000;

async function readBody(request: Request): Promise<Record<string, unknown>> {
  const type = request.headers.get("content-type") ?? "";
  const length = Number(request.headers.get("content-length") ?? 0);
  if (length > MAX_BODY_BYTES) throw new AppError("bad_request", "The request body is too large.");
  if (type.includes("application/json")) {
    const text = await request.text();
    if (text.length > MAX_BODY_BYTES) throw new AppError("bad_request", "The request body is too large.");
    if (!text.trim()) return {};
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new AppError("bad_request", "The request body is not valid JSON.");
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
      throw new AppError("bad_request", "The request body must be a JSON object.");
    }
    return parsed as Record<string, unknown>;
  }
  if (type.includes("application/x-www-form-urlencoded") || type.includes("multipart/form-data")) {
    return formDataToObject(await request.formData());
  }
  return {};
}

function searchParamsToObject(params: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const all = params.getAll(key);
    out[key] = all.length > 1 ? all : (all[0] ?? "");
  }
  return out;
}

/** FormData → object; repeated keys become arrays; Next's internal `$ACTION…` fields are dropped. */
export function formDataToObject(form: FormData): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of new Set(form.keys())) {
    if (key.startsWith("$ACTION")) continue;
    const all = form.getAll(key).map((v) => (typeof v === "string" ? v : v));
    out[key] = all.length > 1 ? all : all[0];
  }
  return out;
}

/**
 * Cross-site request forgery guard for state-changing methods (defence in depth: next-auth's
 * session cookie is SameSite=Lax already). A browser sends Origin (and Sec-Fetch-Site) on POST,
 * PUT, PATCH and DELETE; one naming another site is refused. Programs calling the API send
 * neither and are not affected.
 */
function assertSameOrigin(request: Request): void {
  if (request.method === "GET" || request.method === "HEAD" || request.method === "OPTIONS") return;
  if (request.headers.get("sec-fetch-site") === "cross-site") throw new AppError("forbidden", "Cross-site requests are not accepted.");
  const origin = request.headers.get("origin");
  if (!origin) return;
  const allowed = new Set<string>();
  try {
    allowed.add(new URL(request.url).origin);
  } catch {
    // ignore
  }
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  if (host) {
    const proto = request.headers.get("x-forwarded-proto") ?? new URL(request.url).protocol.replace(":", "");
    allowed.add(`${proto}://${host}`);
  }
  try {
    allowed.add(new URL(getEnv().NEXTAUTH_URL).origin);
  } catch {
    // ignore
  }
  if (!allowed.has(origin)) throw new AppError("forbidden", "Cross-site requests are not accepted.");
}

function safePath(request: Request): string {
  try {
    return new URL(request.url).pathname;
  } catch {
    return "?";
  }
}
