import { describe, expect, it } from "vitest";
import { canonicalHostRedirect, contentSecurityPolicy, createNonce, securityHeaders } from "@/lib/http/security";

describe("canonicalHostRedirect", () => {
  const canonical = "http://localhost:3000";

  it("serves requests on the canonical host, whatever the case or an explicit default port", () => {
    expect(canonicalHostRedirect("http://localhost:3000/dashboard", "localhost:3000", canonical)).toBeNull();
    expect(canonicalHostRedirect("http://localhost:3000/dashboard", "LOCALHOST:3000", canonical)).toBeNull();
    expect(canonicalHostRedirect("https://x/dashboard", "sync.example.com:443", "https://sync.example.com")).toBeNull();
  });

  it("sends other hosts to the same path and query on the canonical one", () => {
    expect(canonicalHostRedirect("http://127.0.0.1:3000/invoices?status=PAID&q=a%20b", "127.0.0.1:3000", canonical)).toBe(
      "http://localhost:3000/invoices?status=PAID&q=a%20b",
    );
    expect(canonicalHostRedirect("http://127.0.0.1:3000/", "127.0.0.1:3000", canonical)).toBe("http://localhost:3000/");
    expect(canonicalHostRedirect("http://10.0.0.5/api/auth/signin", "10.0.0.5", "https://sync.example.com")).toBe("https://sync.example.com/api/auth/signin");
    // Behind a reverse proxy the browser's host is X-Forwarded-Host (first of a list).
    expect(canonicalHostRedirect("http://127.0.0.1:3000/x", "sync.example.com, 10.0.0.1", "https://sync.example.com")).toBeNull();
  });

  it("a missing or unparsable host goes to the canonical host too", () => {
    expect(canonicalHostRedirect("http://localhost:3000/x", null, canonical)).toBe("http://localhost:3000/x");
    expect(canonicalHostRedirect("http://localhost:3000/x", "bad host/..", canonical)).toBe("http://localhost:3000/x");
  });

  it("answers the health check, Xero's webhooks and the read API on any host", () => {
    expect(canonicalHostRedirect("http://127.0.0.1:3000/api/v1/invoices?limit=5", "127.0.0.1:3000", canonical)).toBeNull();
    expect(canonicalHostRedirect("http://127.0.0.1:3000/api/v1x", "127.0.0.1:3000", canonical)).toBe("http://localhost:3000/api/v1x");
    expect(canonicalHostRedirect("http://127.0.0.1:3000/api/health", "127.0.0.1:3000", canonical)).toBeNull();
    expect(canonicalHostRedirect("http://127.0.0.1:3000/api/xero/webhooks", "127.0.0.1:3000", canonical)).toBeNull();
    expect(canonicalHostRedirect("http://127.0.0.1:3000/api/healthz", "127.0.0.1:3000", canonical)).toBe("http://localhost:3000/api/healthz");
  });
});

describe("security headers", () => {
  it("a nonce is fresh and unguessable per response", () => {
    const a = createNonce();
    expect(a).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(createNonce()).not.toBe(a);
  });

  it("scripts run only with the response's nonce; no framing; HSTS and upgrades only behind https", () => {
    const http = securityHeaders({ nonce: "abc", canonicalUrl: "http://localhost:3000", dev: false });
    const csp = http["content-security-policy"]!;
    expect(csp).toContain("script-src 'self' 'nonce-abc' 'strict-dynamic'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-(inline|eval)/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("base-uri 'self'");
    expect(csp).not.toContain("upgrade-insecure-requests");
    expect(http["referrer-policy"]).toBe("same-origin");
    expect(http["x-frame-options"]).toBe("DENY");
    expect(http["x-content-type-options"]).toBe("nosniff");
    expect(http["strict-transport-security"]).toBeUndefined();

    const https = securityHeaders({ nonce: "abc", canonicalUrl: "https://sync.example.com", dev: false });
    expect(https["strict-transport-security"]).toBe("max-age=31536000");
    expect(https["content-security-policy"]).toContain("upgrade-insecure-requests");
  });

  it("next dev gets 'unsafe-eval' for React's debugging, production never", () => {
    expect(contentSecurityPolicy({ nonce: "n", canonicalUrl: "http://localhost:3000", dev: true })).toContain("'unsafe-eval'");
    expect(contentSecurityPolicy({ nonce: "n", canonicalUrl: "http://localhost:3000", dev: false })).not.toContain("'unsafe-eval'");
  });
});
