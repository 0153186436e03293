import { createRequire } from "node:module";
import { simControl } from "@/tests/helpers/sim-control";
import path from "node:path";
import type { AuthOptions } from "next-auth";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createDrizzleAdapter } from "@/lib/auth/adapter";
import { getAuthOptions, resetAuthOptions } from "@/lib/auth/options";
import { accounts, sessions, users } from "@/lib/db/schema";
import type { RunningSimulator } from "@/lib/xero-simulator";
import { createTestDatabase, type TestDatabase } from "../../helpers/db";
import { APP_URL, dumpSecretsTables, startTestSimulator, useSimulatorEnv } from "./helpers";

/**
 * "Sign in with Xero" through next-auth's own request handler (the code behind
 * /api/auth/[...nextauth]) with our options and adapter, against the simulator's OpenID Connect
 * provider: discovery, PKCE + state + nonce, id_token validation, profile mapping, database session.
 */

// next-auth's request handler (what its Next.js route wrapper calls); not in the package's exports map.
const { AuthHandler } = createRequire(import.meta.url)(path.resolve(import.meta.dirname, "../../../node_modules/next-auth/core/index.js")) as {
  AuthHandler: (params: { req: Request; options: AuthOptions }) => Promise<{ status?: number; body?: unknown; redirect?: string; cookies?: unknown[] }>;
};

let tdb: TestDatabase;
let sim: RunningSimulator;
let options: AuthOptions;

// Not a React hook, whatever its name says: it sets process.env.
const pointEnvAtSimulator = useSimulatorEnv;

/** Points the environment at the simulator with `extra` and rebuilds next-auth's options from it. */
function configure(extra: Record<string, string | undefined> = {}): void {
  // The simulator's demo users all have @example.com addresses.
  pointEnvAtSimulator(sim, { AUTH_SECRET: "test-auth-secret-test-auth-secret-1234", ALLOWED_SIGN_INS: "example.com", ...extra });
  resetAuthOptions();
  options = { ...getAuthOptions(), adapter: createDrizzleAdapter(async () => tdb.db) };
}

beforeAll(async () => {
  sim = await startTestSimulator();
  tdb = await createTestDatabase();
  configure();
});

afterAll(async () => {
  await tdb?.close();
  await sim?.close();
  resetAuthOptions();
});

beforeEach(async () => {
  await tdb.truncate();
});

/** A browser's cookie jar for APP_URL. */
class Jar {
  private cookies = new Map<string, string>();
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }
  take(list: { name: string; value: string; options?: { maxAge?: number; expires?: Date } }[] | undefined): void {
    for (const c of list ?? []) {
      const expired = c.options?.maxAge === 0 || (c.options?.expires && c.options.expires.getTime() < Date.now()) || c.value === "";
      if (expired) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
  }
  names(): string[] {
    return [...this.cookies.keys()];
  }
}

async function call(jar: Jar, path: string, init: { method?: string; body?: unknown } = {}) {
  const req = new Request(`${APP_URL}${path}`, {
    method: init.method ?? "GET",
    headers: { host: "localhost:3000", cookie: jar.header(), ...(init.body ? { "content-type": "application/json" } : {}) },
    body: init.body ? JSON.stringify(init.body) : undefined,
  });
  const res = await AuthHandler({ req, options });
  jar.take(res.cookies as never);
  return res;
}

/** Follows next-auth's own redirects until the page the person lands on. */
async function landing(jar: Jar, redirect: string | undefined): Promise<string> {
  let url = new URL(redirect!, APP_URL);
  // /api/auth/error → /api/auth/signin?error=… → our page (pages.signIn / pages.error)
  for (let hops = 0; url.pathname.startsWith("/api/auth/") && hops < 4; hops++) {
    url = new URL((await call(jar, `${url.pathname}${url.search}`)).redirect!, APP_URL);
  }
  return url.toString();
}

/** Starts sign-in and follows Xero's authorize URL with auto-consent: the callback path to complete. */
async function signInUpToCallback(jar: Jar, consent: Record<string, string> = {}): Promise<string> {
  const csrf = await call(jar, "/api/auth/csrf");
  const csrfToken = (csrf.body as { csrfToken: string }).csrfToken;
  const start = await call(jar, "/api/auth/signin/xero", { method: "POST", body: { csrfToken, callbackUrl: "/dashboard", json: "true" } });
  const authorize = new URL(start.redirect!);
  expect(authorize.origin).toBe(sim.url);
  expect(authorize.searchParams.get("scope")).toBe("openid profile email");
  expect(authorize.searchParams.get("code_challenge_method")).toBe("S256");
  expect(authorize.searchParams.get("nonce")).toBeTruthy();
  for (const [k, v] of Object.entries({ sim_auto: "1", ...consent })) authorize.searchParams.set(k, v);
  const res = await fetch(authorize, { redirect: "manual" });
  const back = new URL(res.headers.get("location")!);
  expect(`${back.origin}${back.pathname}`).toBe(`${APP_URL}/api/auth/callback/xero`);
  return `${back.pathname}${back.search}`;
}

describe("Sign in with Xero", () => {
  it("creates the user from the id_token, links the identity without tokens and opens a database session", async () => {
    const jar = new Jar();
    const callbackPath = await signInUpToCallback(jar, { sim_user: "0" });
    const done = await call(jar, callbackPath);
    expect(done.redirect).toBe(`${APP_URL}/dashboard`);

    const session = await call(jar, "/api/auth/session");
    const body = session.body as { user: { id: string; email: string; name: string } };
    const [user] = await tdb.db.select().from(users);
    expect(body.user).toMatchObject({ id: user!.id, email: user!.email });
    expect(user!.email).toMatch(/@example\.com$/);
    expect(user!.name).toBeTruthy();

    const [account] = await tdb.db.select().from(accounts);
    expect(account).toMatchObject({ userId: user!.id, provider: "xero", type: "oauth" });
    const simUsers = await simControl<{ xeroUserId: string; email: string }[]>(sim, "GET", "/__sim/users");
    expect(account!.providerAccountId).toBe(simUsers.find((u) => u.email === user!.email)!.xeroUserId);
    expect(await tdb.db.select().from(sessions)).toHaveLength(1);
    // Sign-in asked for no offline access and stored no token anywhere.
    const dump = await dumpSecretsTables(tdb.db);
    expect(dump).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\./);
  });

  it("signing in again reuses the user and account", async () => {
    for (let i = 0; i < 2; i++) {
      const jar = new Jar();
      await call(jar, await signInUpToCallback(jar, { sim_user: "1" }));
    }
    expect(await tdb.db.select().from(users)).toHaveLength(1);
    expect(await tdb.db.select().from(accounts)).toHaveLength(1);
    expect(await tdb.db.select().from(sessions)).toHaveLength(2);
  });

  it("a callback whose state does not match this browser's attempt signs nobody in", async () => {
    const jar = new Jar();
    const callbackPath = await signInUpToCallback(jar);
    const forged = callbackPath.replace(/state=[^&]+/, "state=forged");
    const res = await call(jar, forged);
    const landed = new URL(await landing(jar, res.redirect));
    expect(landed.pathname).toBe("/sign-in");
    expect(landed.searchParams.get("error")).toBe("OAuthCallback");
    expect(await tdb.db.select().from(users)).toHaveLength(0);
    expect(await tdb.db.select().from(sessions)).toHaveLength(0);
  });

  it("a callback replayed in another browser (no PKCE / state cookies) signs nobody in", async () => {
    const callbackPath = await signInUpToCallback(new Jar());
    const other = new Jar();
    const res = await call(other, callbackPath);
    expect(await landing(other, res.redirect)).toMatch(/\/sign-in\?.*error=/);
    expect(await tdb.db.select().from(sessions)).toHaveLength(0);
  });

  it("access denied on Xero's page lands on the sign-in page with an error", async () => {
    const jar = new Jar();
    const csrf = await call(jar, "/api/auth/csrf");
    const start = await call(jar, "/api/auth/signin/xero", { method: "POST", body: { csrfToken: (csrf.body as { csrfToken: string }).csrfToken, json: "true" } });
    const authorize = new URL(start.redirect!);
    authorize.searchParams.set("sim_deny", "1");
    const back = new URL((await fetch(authorize, { redirect: "manual" })).headers.get("location")!);
    expect(back.searchParams.get("error")).toBe("access_denied");
    const res = await call(jar, `${back.pathname}${back.search}`);
    expect(await landing(jar, res.redirect)).toMatch(/\/sign-in\?.*error=/);
    expect(await tdb.db.select().from(users)).toHaveLength(0);
  });

  it("after-sign-in redirects stay on this site", async () => {
    const redirect = options.callbacks!.redirect!;
    expect(await redirect({ url: "/invoices", baseUrl: APP_URL })).toBe(`${APP_URL}/invoices`);
    expect(await redirect({ url: `${APP_URL}/contacts?q=a`, baseUrl: APP_URL })).toBe(`${APP_URL}/contacts?q=a`);
    for (const url of ["https://evil.example/phish", "//evil.example", "/\\evil.example", "/\t/evil.example", "/.//evil.example", `${APP_URL}@evil.example`, "javascript:alert(1)"]) {
      expect(await redirect({ url, baseUrl: APP_URL }), url).toBe(`${APP_URL}/dashboard`);
    }
  });

  it("a callbackUrl that leaves the site through the real sign-in flow lands on the dashboard", async () => {
    const jar = new Jar();
    const csrf = await call(jar, "/api/auth/csrf");
    const csrfToken = (csrf.body as { csrfToken: string }).csrfToken;
    const start = await call(jar, "/api/auth/signin/xero", { method: "POST", body: { csrfToken, callbackUrl: "/\\evil.example", json: "true" } });
    const authorize = new URL(start.redirect!);
    authorize.searchParams.set("sim_auto", "1");
    const back = new URL((await fetch(authorize, { redirect: "manual" })).headers.get("location")!);
    const done = await call(jar, `${back.pathname}${back.search}`);
    expect(done.redirect).toBe(`${APP_URL}/dashboard`);
  });
});

describe("who may sign in (ALLOWED_SIGN_INS)", () => {
  afterAll(() => configure());

  async function simUsers(): Promise<{ email: string }[]> {
    return simControl<{ email: string }[]>(sim, "GET", "/__sim/users");
  }

  /** Signs in as simulator user `index`: where the person lands. */
  async function signInAs(index: number): Promise<URL> {
    const jar = new Jar();
    const res = await call(jar, await signInUpToCallback(jar, { sim_user: String(index) }));
    return new URL(await landing(jar, res.redirect));
  }

  it("lets in listed email addresses and domains only, before any user or session is created", async () => {
    const [first, second] = await simUsers();
    configure({ ALLOWED_SIGN_INS: ` ${first!.email.toUpperCase()} , other.example ` });
    expect((await signInAs(0)).pathname).toBe("/dashboard");
    const refused = await signInAs(1);
    expect(`${refused.pathname}?${refused.searchParams}`).toBe("/sign-in?error=NotAllowed");
    const stored = await tdb.db.select().from(users);
    expect(stored.map((u) => u.email)).toEqual([first!.email]);
    expect(stored.map((u) => u.email)).not.toContain(second!.email);
    expect(await tdb.db.select().from(sessions)).toHaveLength(1);

    configure({ ALLOWED_SIGN_INS: first!.email.split("@")[1] });
    expect((await signInAs(1)).pathname).toBe("/dashboard");
  });

  it("outside demo mode with no list, nobody is let in and the page says why", async () => {
    configure({ ALLOWED_SIGN_INS: undefined });
    const refused = await signInAs(0);
    expect(`${refused.pathname}?${refused.searchParams}`).toBe("/sign-in?error=SignInsClosed");
    expect(await tdb.db.select().from(users)).toHaveLength(0);
    expect(await tdb.db.select().from(sessions)).toHaveLength(0);
  });

  it("the demo is open when no list is set", async () => {
    configure({ ALLOWED_SIGN_INS: undefined, XERO_DEMO: "1" });
    expect((await signInAs(2)).pathname).toBe("/dashboard");
    expect(await tdb.db.select().from(users)).toHaveLength(1);
  });
});
