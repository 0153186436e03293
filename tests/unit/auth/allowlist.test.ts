import { describe, expect, it } from "vitest";
import { decideSignIn } from "@/lib/auth/allowlist";
import { parseEnv } from "@/lib/env";

const env = (extra: Record<string, string> = {}) => parseEnv({ XERO_DEMO: "1", ...extra });

describe("decideSignIn", () => {
  it("matches whole addresses and exact domains, ignoring case", () => {
    const e = { ...env({ ALLOWED_SIGN_INS: "Ann@Example.com, @partner.example  books.example" }), demo: false };
    expect(decideSignIn("ann@example.com", e)).toEqual({ allowed: true });
    expect(decideSignIn("BOB@partner.example", e)).toEqual({ allowed: true });
    expect(decideSignIn("cy@books.example", e)).toEqual({ allowed: true });
    expect(decideSignIn("bob@example.com", e)).toEqual({ allowed: false, reason: "not_listed" });
    // A subdomain or a look-alike is not the listed domain.
    expect(decideSignIn("eve@evil.books.example", e)).toEqual({ allowed: false, reason: "not_listed" });
    expect(decideSignIn("eve@books.example.evil", e)).toEqual({ allowed: false, reason: "not_listed" });
    expect(decideSignIn(null, e)).toEqual({ allowed: false, reason: "not_listed" });
  });

  it("without a list: open in demo mode, closed outside it, except for the Custom Connection's owner", () => {
    expect(decideSignIn("ann@example.com", env())).toEqual({ allowed: true });
    const real = { ...env(), demo: false };
    expect(decideSignIn("ann@example.com", real)).toEqual({ allowed: false, reason: "no_allowlist" });
    const custom = { ...env({ XERO_GRANT_TYPE: "client_credentials", XERO_CUSTOM_CONNECTION_OWNER: "Owner@Example.com" }), demo: false };
    expect(decideSignIn("owner@example.com", custom)).toEqual({ allowed: true });
    expect(decideSignIn("other@example.com", custom)).toEqual({ allowed: false, reason: "no_allowlist" });
  });

  it("ALLOWED_SIGN_INS that is not addresses or domains is named at start-up", () => {
    expect(() => env({ ALLOWED_SIGN_INS: "ann@example.com, not a domain!" })).toThrow(/ALLOWED_SIGN_INS must list email addresses or domains/);
  });
});
