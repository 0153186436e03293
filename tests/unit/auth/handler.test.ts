import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { validatedActionWithUser, withUser } from "@/lib/http/handler";
import { describeForLog, redactSecrets } from "@/lib/log";
import { AppError } from "@/lib/errors";

const user = { id: "u1", name: "Ann", email: "ann@example.com" };
const signedIn = { getUser: async () => user };
const signedOut = { getUser: async () => null };

afterEach(() => vi.restoreAllMocks());

describe("withUser", () => {
  it("401 without a session, before reading the input or calling the handler", async () => {
    const fn = vi.fn();
    const res = await withUser(z.object({}), fn, signedOut)(new Request("http://x/api/a"));
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: { code: "unauthorized", message: "You need to sign in first." } });
    expect(fn).not.toHaveBeenCalled();
  });

  it("merges query, body and route params (params win) and validates them", async () => {
    const schema = z.object({ id: z.string(), page: z.coerce.number(), note: z.string() });
    const handler = withUser(schema, async ({ input, user: u }) => ({ input, userId: u.id }), signedIn);
    const res = await handler(
      new Request("http://x/api/a?page=2&id=from-query", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ note: "hi" }) }),
      { params: Promise.resolve({ id: "from-params" }) },
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ input: { id: "from-params", page: 2, note: "hi" }, userId: "u1" });
  });

  it("400 with issues by field (never the submitted values) for bad input; 400 for bad JSON", async () => {
    const handler = withUser(z.object({ tenantId: z.uuid() }), async () => "never", signedIn);
    const res = await handler(new Request("http://x/api/a?tenantId=secret-looking-value"));
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(text).not.toContain("secret-looking-value");
    expect(JSON.parse(text).error.details.fieldErrors.tenantId).toHaveLength(1);

    const bad = await handler(new Request("http://x/api/a", { method: "POST", headers: { "content-type": "application/json" }, body: "{" }));
    expect(bad.status).toBe(400);
  });

  it("maps AppError to its status and message; unknown errors to 500 without their text, logged redacted", async () => {
    const spy = vi.spyOn(console, "error").mockImplementation(() => {});
    const notFound = await withUser(z.object({}), async () => {
      throw new AppError("not_found", "Organisation not found.");
    }, signedIn)(new Request("http://x/api/a"));
    expect(notFound.status).toBe(404);
    expect(spy).not.toHaveBeenCalled();

    const boom = await withUser(z.object({}), async () => {
      throw new Error("token refresh_token=abc123 failed with Bearer eyJhbGciOi.eyJzdWIiOiJ4In0.c2ln");
    }, signedIn)(new Request("http://x/api/a"));
    expect(boom.status).toBe(500);
    const body = await boom.text();
    expect(body).not.toContain("abc123");
    expect(body).not.toContain("eyJ");
    expect(JSON.parse(body)).toEqual({ error: { code: "internal", message: "Something went wrong on our side." } });
    const logged = spy.mock.calls.map((c) => c.join(" ")).join("\n");
    expect(logged).toContain("refresh_token=[redacted]");
    expect(logged).not.toContain("abc123");
    expect(logged).not.toContain("eyJhbGciOi");
  });

  it("passes a Response through untouched", async () => {
    const res = await withUser(z.object({}), async () => new Response("csv", { status: 201 }), signedIn)(new Request("http://x/api/a"));
    expect(res.status).toBe(201);
    expect(await res.text()).toBe("csv");
  });
});

describe("validatedActionWithUser", () => {
  const action = validatedActionWithUser(z.object({ tenantId: z.uuid(), deleteData: z.enum(["on"]).optional() }), async (input, u) => ({ ...input, by: u.id }), signedIn);

  it("parses FormData (useActionState's (prev, formData) form), dropping Next's $ACTION fields", async () => {
    const form = new FormData();
    form.set("tenantId", "6f1f6d6e-3f5c-4a43-8a9e-0d7a5f0c1b2a");
    form.set("deleteData", "on");
    form.set("$ACTION_ID_abc", "");
    expect(await action(null, form)).toEqual({ ok: true, data: { tenantId: "6f1f6d6e-3f5c-4a43-8a9e-0d7a5f0c1b2a", deleteData: "on", by: "u1" } });
  });

  it("accepts a plain object called directly, and returns errors instead of throwing", async () => {
    expect(await action({ tenantId: "6f1f6d6e-3f5c-4a43-8a9e-0d7a5f0c1b2a" })).toMatchObject({ ok: true });
    const bad = await action({ tenantId: "nope" });
    expect(bad).toMatchObject({ ok: false, error: { code: "bad_request" } });
    expect(!bad.ok && bad.error.fieldErrors?.tenantId).toBeTruthy();
    const out = await validatedActionWithUser(z.object({}), async () => 1, signedOut)({});
    expect(out).toEqual({ ok: false, error: { code: "unauthorized", message: "You need to sign in first." } });
  });
});

describe("redaction", () => {
  it("removes tokens, auth headers, OAuth parameters and JSON secret fields", () => {
    const text = redactSecrets(
      'Authorization: Bearer abc.def Basic dXNlcjpwYXNz code=xyz&state=st1 {"refresh_token":"rt","client_secret":"cs"} eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.sig postgres://u:pw@h/db',
    );
    for (const secret of ["abc.def", "dXNlcjpwYXNz", "xyz", "st1", '"rt"', '"cs"', "eyJhbGciOiJSUzI1NiJ9", ":pw@"]) expect(text).not.toContain(secret);
  });

  it("describes an error chain by name, classification and message", () => {
    const inner = Object.assign(new Error("invalid_grant for refresh_token=zzz"), { status: 400 });
    const outer = new AppError("conflict", "Reconnect.", { cause: inner });
    const line = describeForLog(outer);
    expect(line).toMatch(/AppError \[conflict\/409\]: Reconnect\./);
    expect(line).toMatch(/caused by Error \[400\]/);
    expect(line).not.toContain("zzz");
  });
});

describe("cross-site guard", () => {
  it("refuses a state-changing request from another origin, accepts same-origin and header-less programs", async () => {
    const handler = withUser(z.object({}), async () => ({ ok: true }), signedIn);
    const post = (headers: Record<string, string>) => handler(new Request("http://localhost:3000/api/a", { method: "POST", headers }));
    expect((await post({ origin: "https://evil.example" })).status).toBe(403);
    expect((await post({ "sec-fetch-site": "cross-site" })).status).toBe(403);
    expect((await post({ origin: "http://localhost:3000" })).status).toBe(200);
    expect((await post({})).status).toBe(200);
    // GET is never blocked (it must not change anything).
    expect((await handler(new Request("http://localhost:3000/api/a", { headers: { origin: "https://evil.example" } }))).status).toBe(200);
  });
});

describe("body limits", () => {
  it("refuses JSON bodies over 1 MB", async () => {
    const handler = withUser(z.object({}).passthrough(), async () => ({ ok: true }), signedIn);
    const big = JSON.stringify({ x: "a".repeat(1_100_000) });
    const res = await handler(new Request("http://x/api/a", { method: "POST", headers: { "content-type": "application/json" }, body: big }));
    expect(res.status).toBe(400);
  });
});
