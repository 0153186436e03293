import { describe, expect, it } from "vitest";
import { decodeKey, EnvError, parseEnv, redactUrl } from "@/lib/env";

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
