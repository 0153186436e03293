import { describe, expect, it } from "vitest";
import { decideStartMode, decodeKey, EnvError, parseEnv, redactUrl } from "@/lib/env";

const key = Buffer.alloc(32, 7).toString("base64");

describe("parseEnv", () => {
  it("gives working defaults for an empty environment in demo mode", () => {
    const env = parseEnv({ XERO_DEMO: "1" });
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.PORT).toBe(3000);
    expect(env.XERO_IDENTITY_URL).toBe("https://identity.xero.com");
    expect(env.XERO_API_URL).toBe("https://api.xero.com");
    expect(env.redirectUri).toBe("http://localhost:3000/api/xero/callback");
    expect(env.scopes).toContain("offline_access");
    expect(env.scopes).toContain("accounting.invoices.read");
    expect(env.demo).toBe(true);
  });

  it("names the bad variable and never echoes a password", () => {
    try {
      parseEnv({ XERO_DEMO: "1", DATABASE_URL: "mysql://root:hunter2@db/x", PORT: "eighty" });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(EnvError);
      const message = (error as Error).message;
      expect(message).toMatch(/DATABASE_URL must be a postgres/);
      expect(message).toMatch(/PORT must be a whole number/);
      expect(message).not.toContain("hunter2");
    }
  });

  it("requires secrets outside demo mode", () => {
    expect(() => parseEnv({ XERO_CLIENT_ID: "abc", XERO_CLIENT_SECRET: "def" })).toThrow(/AUTH_SECRET is required/);
    const env = parseEnv({ XERO_CLIENT_ID: "abc", XERO_CLIENT_SECRET: "def", AUTH_SECRET: "s", TOKEN_ENCRYPTION_KEY: key });
    expect(env.demo).toBe(false);
    expect(env.authSecret).toBe("s");
  });

  it("requires the secret with the client id", () => {
    expect(() => parseEnv({ XERO_DEMO: "1", XERO_CLIENT_ID: "abc" })).toThrow(/XERO_CLIENT_SECRET is required/);
  });

  it("rejects an encryption key that is not 32 bytes", () => {
    expect(() => parseEnv({ XERO_DEMO: "1", TOKEN_ENCRYPTION_KEY: "short" })).toThrow(/TOKEN_ENCRYPTION_KEY must be 32 random bytes/);
  });

  it("trims trailing slashes from base URLs", () => {
    const env = parseEnv({ XERO_DEMO: "1", XERO_API_URL: "http://127.0.0.1:4010/" });
    expect(env.XERO_API_URL).toBe("http://127.0.0.1:4010");
  });
});

describe("decodeKey / redactUrl", () => {
  it("accepts hex and base64 keys of 32 bytes only", () => {
    expect(decodeKey("ab".repeat(32))?.length).toBe(32);
    expect(decodeKey(key)?.length).toBe(32);
    expect(decodeKey(Buffer.alloc(16).toString("base64"))).toBeNull();
  });
  it("hides passwords in URLs", () => {
    expect(redactUrl("postgres://u:secret@h:5432/d")).toBe("postgres://u:***@h:5432/d");
    expect(redactUrl("postgres://h/d")).toBe("postgres://h/d");
    // An unencoded "/" or "@" in the password makes the URL unparsable: still nothing of it shows.
    expect(redactUrl("postgres://u:pa/ss@h/db")).not.toContain("pa/ss");
    expect(redactUrl("postgres://u:p@ss:w/rd@h:99999/db")).not.toMatch(/ss|rd/);
  });
});

describe("decideStartMode", () => {
  const secrets = { AUTH_SECRET: "s", TOKEN_ENCRYPTION_KEY: key };
  const xero = { XERO_CLIENT_ID: "id", XERO_CLIENT_SECRET: "secret" };
  const refusal = (source: Record<string, string | undefined>) => {
    const decision = decideStartMode(source);
    if (decision.mode !== "refuse") throw new Error(`expected a refusal, got ${decision.mode}`);
    expect(decision.message).not.toContain("\n");
    return decision.message;
  };

  it("runs the demo with nothing configured, also beside demo-only settings and empty values", () => {
    expect(decideStartMode({})).toEqual({ mode: "demo", optIn: false });
    expect(decideStartMode({ XERO_SIM_PORT: "4111", PORT: "3001", NEXTAUTH_URL: "http://localhost:3001", DATA_DIR: "/tmp/x", SYNC_INTERVAL_MINUTES: "0" })).toEqual({
      mode: "demo",
      optIn: false,
    });
    expect(decideStartMode({ XERO_CLIENT_ID: "", DATABASE_URL: " ", XERO_DEMO: "" })).toEqual({ mode: "demo", optIn: false });
  });

  it("talks to Xero when the credentials and secrets are complete", () => {
    expect(decideStartMode({ ...xero, ...secrets })).toEqual({ mode: "xero" });
    expect(decideStartMode({ ...xero, ...secrets, DATABASE_URL: "postgres://h/d" })).toEqual({ mode: "xero" });
    expect(decideStartMode({ ...xero, NEXTAUTH_SECRET: "s", TOKEN_ENCRYPTION_KEY: key })).toEqual({ mode: "xero" });
    // Outside production (npm run dev) the secrets have development defaults.
    expect(decideStartMode({ ...xero, NODE_ENV: "development" })).toEqual({ mode: "xero" });
  });

  it("refuses a half-configured deployment, naming what is set and what is missing", () => {
    const message = refusal({ DATABASE_URL: "postgres://h/d", XERO_CLIENT_SECRET: "secret", ...secrets });
    expect(message).toMatch(/DATABASE_URL, AUTH_SECRET, TOKEN_ENCRYPTION_KEY and XERO_CLIENT_SECRET are set/);
    expect(message).toMatch(/but XERO_CLIENT_ID is missing/);
    // A Xero credential is set, so the demo is not what was meant: no hint towards it.
    expect(message).not.toMatch(/XERO_DEMO=1/);
  });

  it.each([
    [{ DATABASE_URL: "postgres://h/d" }, "DATABASE_URL", ["XERO_CLIENT_ID", "XERO_CLIENT_SECRET", "AUTH_SECRET", "TOKEN_ENCRYPTION_KEY"]],
    [{ TOKEN_ENCRYPTION_KEY: key }, "TOKEN_ENCRYPTION_KEY", ["XERO_CLIENT_ID", "XERO_CLIENT_SECRET", "AUTH_SECRET"]],
    [{ AUTH_SECRET: "s" }, "AUTH_SECRET", ["XERO_CLIENT_ID", "XERO_CLIENT_SECRET", "TOKEN_ENCRYPTION_KEY"]],
    [{ XERO_WEBHOOK_KEY: "k" }, "XERO_WEBHOOK_KEY", ["XERO_CLIENT_ID"]],
    [{ XERO_GRANT_TYPE: "client_credentials" }, "XERO_GRANT_TYPE", ["XERO_CLIENT_ID"]],
    [{ XERO_TIMEOUT_MS: "5000" }, "XERO_TIMEOUT_MS", ["XERO_CLIENT_ID"]],
    [{ XERO_CLIENT_ID: "id", ...secrets }, "XERO_CLIENT_ID", ["XERO_CLIENT_SECRET"]],
  ])("refuses %o: names %s and what is missing", (source, configured, missing) => {
    const message = refusal(source);
    expect(message).toContain(configured);
    for (const name of missing) expect(message).toMatch(new RegExp(`but .*${name}.* missing`));
  });

  it("points at XERO_DEMO=1 when no Xero credential was set (a database or secrets only)", () => {
    expect(refusal({ DATABASE_URL: "postgres://h/d" })).toMatch(/or set XERO_DEMO=1 to run the offline demo/);
  });

  it("runs the demo on a configured database only when asked for with XERO_DEMO=1", () => {
    expect(decideStartMode({ XERO_DEMO: "1", DATABASE_URL: "postgres://h/d", ...secrets })).toEqual({ mode: "demo", optIn: true });
    expect(decideStartMode({ XERO_DEMO: "1" })).toEqual({ mode: "demo", optIn: true });
  });

  it("refuses XERO_DEMO=1 beside settings of another Xero, and values XERO_DEMO does not take", () => {
    expect(refusal({ XERO_DEMO: "1", XERO_CLIENT_ID: "id" })).toMatch(/XERO_DEMO=1 .* but XERO_CLIENT_ID is set too/);
    expect(refusal({ XERO_DEMO: "1", XERO_IDENTITY_URL: "https://identity.xero.com", XERO_API_URL: "https://api.xero.com" })).toMatch(
      /XERO_IDENTITY_URL and XERO_API_URL are set too/,
    );
    expect(refusal({ XERO_DEMO: "yes" })).toMatch(/XERO_DEMO must be 1 .* or 0/);
  });

  it("XERO_DEMO=0 turns the zero-config demo off", () => {
    expect(refusal({ XERO_DEMO: "0" })).toMatch(/XERO_DEMO=0 turns demo mode off, but XERO_CLIENT_ID, XERO_CLIENT_SECRET, AUTH_SECRET and TOKEN_ENCRYPTION_KEY are missing/);
  });

  it("agrees with parseEnv: what it lets through as Xero parses outside demo mode", () => {
    const source = { ...xero, ...secrets, DATABASE_URL: "postgres://h/d" };
    expect(decideStartMode(source).mode).toBe("xero");
    expect(parseEnv(source).demo).toBe(false);
    expect(() => parseEnv({ ...xero, TOKEN_ENCRYPTION_KEY: key })).toThrow(/AUTH_SECRET is required/);
    expect(refusal({ ...xero, TOKEN_ENCRYPTION_KEY: key })).toMatch(/but AUTH_SECRET is missing/);
  });
});
