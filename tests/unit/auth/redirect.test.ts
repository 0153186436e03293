import { describe, expect, it } from "vitest";
import { safeRedirectPath } from "@/lib/auth/redirect";

const BASE = "http://localhost:3000";

describe("safeRedirectPath", () => {
  it.each([
    ["/invoices", "/invoices"],
    ["/invoices?status=PAID&q=a%20b#top", "/invoices?status=PAID&q=a%20b#top"],
    ["/api/xero/connect", "/api/xero/connect"],
    ["dashboard", "/dashboard"],
    [`${BASE}/contacts`, "/contacts"],
    // Encoded slashes stay encoded: a path segment, not a host.
    ["/%2F%2Fevil.example", "/%2F%2Fevil.example"],
    ["/%5Cevil.example", "/%5Cevil.example"],
    // Same scheme without slashes is a relative path to the parser and to browsers alike.
    ["http:evil.example", "/evil.example"],
  ])("keeps %j on this site as %j", (target, path) => {
    expect(safeRedirectPath(target, BASE)).toBe(path);
  });

  it.each([
    // backslashes: a browser reads them as slashes
    "/\\evil.example",
    "\\\\evil.example",
    "/\\/evil.example",
    "\\/evil.example",
    // tabs and newlines are dropped by the parser
    "/\t/evil.example",
    "/\n/evil.example",
    "\t//evil.example",
    // protocol-relative and dot segments that collapse into it
    "//evil.example",
    "///evil.example",
    "/.//evil.example",
    "/x/..//evil.example",
    // other origins and schemes
    "https://evil.example/phish",
    "http://localhost:3001/dashboard",
    "https://localhost:3000/dashboard",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    // userinfo tricks
    "http://localhost:3000@evil.example/",
    "http://evil.example@localhost:3000/",
    "//localhost:3000@evil.example",
    // not a target at all
    "",
    "http://[::1",
  ])("refuses %j", (target) => {
    expect(safeRedirectPath(target, BASE)).toBeNull();
  });

  it("refuses values that are not strings (a repeated query parameter)", () => {
    expect(safeRedirectPath(["/a", "/b"], BASE)).toBeNull();
    expect(safeRedirectPath(undefined, BASE)).toBeNull();
  });
});
