import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { testAlert, webhookAlert, webhookBody } from "@/lib/alerts/payload";
import { compareAlerts, type Alert } from "@/lib/alerts/kinds";
import { newSigningSecret, signatureHeader, verifySignature } from "@/lib/alerts/signature";
import { isBlockedAddress, mayConnectTo, webhookUrlSchema } from "@/lib/alerts/url-safety";

/** The outgoing webhook's pure parts: the signature, the payload, the URL rules (SSRF). */

const alert: Alert = {
  key: "sync_failing:7d1c",
  kind: "sync_failing",
  severity: "error",
  title: "Syncs of Alpha Ltd are failing",
  detail: "The latest sync failed: Xero answered 503.",
  fix: { text: "See what failed in Sync history.", href: "/history?org=7d1c", label: "Sync history" },
  organisation: { id: "7d1c", name: "Alpha Ltd" },
  since: new Date("2026-06-15T11:00:00Z"),
};

describe("signature", () => {
  const secret = "whsec_test-secret";
  const body = '{"id":"d1","type":"test"}';

  it("is t=<seconds>,v1=<hex HMAC-SHA256 of '<t>.<body>'>", () => {
    const expected = createHmac("sha256", secret).update(`1781000000.${body}`).digest("hex");
    expect(signatureHeader(secret, body, 1781000000)).toBe(`t=1781000000,v1=${expected}`);
  });

  it("verifies its own header and refuses another body, another secret, an old time or a malformed header", () => {
    const header = signatureHeader(secret, body, 1781000000);
    expect(verifySignature(secret, body, header, { nowSeconds: 1781000010 })).toBe(true);
    expect(verifySignature(secret, `${body} `, header, { nowSeconds: 1781000010 })).toBe(false);
    expect(verifySignature("whsec_other", body, header, { nowSeconds: 1781000010 })).toBe(false);
    expect(verifySignature(secret, body, header, { nowSeconds: 1781000000 + 301 })).toBe(false);
    expect(verifySignature(secret, body, "t=1781000000,v1=zz", { nowSeconds: 1781000000 })).toBe(false);
    expect(verifySignature(secret, body, null)).toBe(false);
  });

  it("makes a new random secret each time", () => {
    const a = newSigningSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(newSigningSecret()).not.toBe(a);
  });
});

describe("payload", () => {
  it("carries id, type, the alert with an absolute fix link, and occurredAt", () => {
    const body = webhookBody({ id: "d1", type: "alert.opened", alert: webhookAlert(alert, "https://sync.example.com"), occurredAt: "2026-06-15T12:00:00.000Z" });
    expect(JSON.parse(body)).toEqual({
      id: "d1",
      type: "alert.opened",
      alert: {
        key: "sync_failing:7d1c",
        kind: "sync_failing",
        severity: "error",
        title: "Syncs of Alpha Ltd are failing",
        detail: "The latest sync failed: Xero answered 503.",
        howToFix: "See what failed in Sync history.",
        fixUrl: "https://sync.example.com/history?org=7d1c",
        organisation: { id: "7d1c", name: "Alpha Ltd" },
        since: "2026-06-15T11:00:00.000Z",
      },
      occurredAt: "2026-06-15T12:00:00.000Z",
    });
    expect(testAlert("http://localhost:3000").fixUrl).toBe("http://localhost:3000/settings/alerts");
  });

  it("orders errors first, then the newest", () => {
    const warning: Alert = { ...alert, key: "quota_80:7d1c", kind: "quota_80", severity: "warning", since: new Date("2026-06-15T11:59:00Z") };
    const older: Alert = { ...alert, key: "needs_reconnect:1", kind: "needs_reconnect", since: new Date("2026-06-01T00:00:00Z") };
    expect([warning, older, alert].sort(compareAlerts).map((a) => a.key)).toEqual(["sync_failing:7d1c", "needs_reconnect:1", "quota_80:7d1c"]);
  });
});

describe("webhook URL", () => {
  const message = (allowLocal: boolean, url: string) => {
    const r = webhookUrlSchema(allowLocal).safeParse(url);
    return r.success ? null : r.error.issues[0]!.message;
  };

  it("takes https to a public host", () => {
    expect(message(false, "https://hooks.example.com/xero-sync?t=1")).toBeNull();
    expect(message(false, " https://93.184.216.34/hook ")).toBeNull();
  });

  it("refuses http, credentials, private, loopback and link-local addresses outside demo mode, with a clear message", () => {
    expect(message(false, "http://hooks.example.com/x")).toBe("The URL must start with https://.");
    expect(message(false, "ftp://hooks.example.com/x")).toBe("The URL must start with https://.");
    expect(message(false, "not a url")).toBe("Enter a full URL, such as https://hooks.example.com/xero-sync.");
    expect(message(false, "")).toBe("Enter the URL of your receiver.");
    expect(message(false, "https://user:pw@hooks.example.com/")).toMatch(/user name or password/);
    for (const url of [
      "https://10.1.2.3/",
      "https://172.20.0.1/",
      "https://192.168.1.1/",
      "https://127.0.0.1/",
      "https://169.254.169.254/latest/meta-data",
      "https://[::1]/",
      "https://[fe80::1]/",
      "https://[fd00::1]/",
      "https://[::ffff:10.0.0.1]/",
      "https://localhost/",
      "https://app.localhost/",
      "https://0.0.0.0/",
    ]) {
      expect(message(false, url), url).toMatch(/private, loopback or link-local/);
    }
  });

  it("in demo mode takes http to localhost / 127.0.0.1, and still no other private address", () => {
    expect(message(true, "http://127.0.0.1:4999/hook")).toBeNull();
    expect(message(true, "http://localhost:4999/hook")).toBeNull();
    expect(message(true, "http://hooks.example.com/x")).toMatch(/only to localhost or 127.0.0.1/);
    expect(message(true, "https://10.0.0.1/")).toMatch(/private, loopback or link-local/);
  });

  it("checks resolved addresses the same way at connect time", () => {
    expect(isBlockedAddress("93.184.216.34")).toBe(false);
    expect(isBlockedAddress("10.0.0.8")).toBe(true);
    expect(isBlockedAddress("::ffff:169.254.169.254")).toBe(true);
    expect(isBlockedAddress("2606:2800:220:1::1")).toBe(false);
    expect(mayConnectTo("127.0.0.1", false)).toBe(false);
    expect(mayConnectTo("127.0.0.1", true)).toBe(true);
    expect(mayConnectTo("192.168.0.2", true)).toBe(false);
  });
});

describe("the README's verification snippet", () => {
  it("accepts a real delivery's signature and refuses a changed body", async () => {
    const { readFileSync } = await import("node:fs");
    const { createRequire } = await import("node:module");
    const readme = readFileSync(new URL("../../../README.md", import.meta.url), "utf8");
    const code = /## Alerts[\s\S]*?```js\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(code).toBeDefined();
    const verify = new Function("require", `${code}\nreturn verify;`)(createRequire(import.meta.url)) as (s: string, b: string, h: string) => boolean;
    const body = '{"id":"d1","type":"test"}';
    const header = signatureHeader("whsec_x", body, Math.floor(Date.now() / 1000));
    expect(verify("whsec_x", body, header)).toBe(true);
    expect(verify("whsec_x", `${body}\n`, header)).toBe(false);
    expect(verify("whsec_y", body, header)).toBe(false);
  });
});
