import { expect, test, type Page } from "@playwright/test";
import { DEMO_USERS, screenshot } from "./fixtures";

/**
 * Hosts, redirects and headers against the production build: starting on 127.0.0.1 (not the
 * canonical localhost of NEXTAUTH_URL) still signs in and connects, a callbackUrl cannot send a
 * signed-in person to another site, and every page runs under the nonce CSP without violations.
 */

const port = process.env.E2E_APP_PORT ?? "3100";
const CANONICAL = `http://localhost:${port}`;
const OTHER_HOST = `http://127.0.0.1:${port}`;

/** Collects the browser's CSP violation reports of a page. */
function cspViolations(page: Page): string[] {
  const seen: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy|Refused to (execute|load|apply|frame)/i.test(m.text())) seen.push(m.text());
  });
  return seen;
}

test("signing in and connecting from 127.0.0.1 works: every page moves to the canonical host first", async ({ page }, testInfo) => {
  const violations = cspViolations(page);
  await page.goto(`${OTHER_HOST}/dashboard`);
  await expect(page).toHaveURL(new RegExp(`^${CANONICAL}/sign-in\\?callbackUrl=`));
  await page.getByRole("button", { name: /sign in with xero/i }).click();
  await page.getByRole("radio", { name: new RegExp(DEMO_USERS.sam) }).check();
  await page.getByRole("button", { name: "Allow access" }).click();
  await expect(page).toHaveURL(`${CANONICAL}/dashboard`);
  await expect(page.getByTestId("sign-in-error")).toHaveCount(0);

  // Connect Xero from the other host too: the consent's state cookie lives on the canonical host.
  await page.goto(`${OTHER_HOST}/api/xero/connect`);
  await expect(page.getByRole("group", { name: "Organisations to connect" })).toBeVisible();
  await page.getByRole("radio", { name: new RegExp(DEMO_USERS.sam) }).check();
  const boxes = page.getByRole("group", { name: "Organisations to connect" }).getByRole("checkbox");
  for (const box of await boxes.all()) {
    const label = (await box.locator("xpath=..").innerText()).split("\n")[0]!.trim();
    await box.setChecked(label === "Acme Widgets (AU)");
  }
  await page.getByRole("button", { name: "Allow access" }).click();
  await expect(page).toHaveURL(new RegExp(`^${CANONICAL}/dashboard\\?connected=1`));
  await expect(page.getByRole("heading", { name: "Acme Widgets (AU)" })).toBeVisible();
  await screenshot(page, testInfo, "connected-from-other-host");
  expect(violations).toEqual([]);
});

test("a signed-in person's callbackUrl never leads off the site", async ({ page }) => {
  await page.goto("/dashboard");
  await page.getByRole("button", { name: /sign in with xero/i }).click();
  await page.getByRole("radio", { name: new RegExp(DEMO_USERS.alex) }).check();
  await page.getByRole("button", { name: "Allow access" }).click();
  await expect(page).toHaveURL(/\/dashboard/);

  for (const target of ["/%5Cevil.example", "/%09/evil.example", "%2F%2Fevil.example", "//evil.example", "https://evil.example/", "/.//evil.example", `${CANONICAL}@evil.example`, "javascript:alert(1)"]) {
    const res = await page.request.get(`/sign-in?callbackUrl=${target}`, { maxRedirects: 0 });
    expect(res.status(), target).toBeGreaterThanOrEqual(300);
    expect(res.status(), target).toBeLessThan(400);
    const location = res.headers()["location"]!;
    expect(new URL(location, CANONICAL).origin, `${target} → ${location}`).toBe(CANONICAL);
    expect(location, target).toMatch(/^(http:\/\/localhost:\d+)?\/dashboard$/);
  }
  // A same-site target is kept.
  const ok = await page.request.get(`/sign-in?callbackUrl=${encodeURIComponent("/invoices?status=PAID")}`, { maxRedirects: 0 });
  expect(ok.headers()["location"]).toMatch(/\/invoices\?status=PAID$/);
});

test("pages carry the security headers and a fresh nonce on every script", async ({ page, request }) => {
  const violations = cspViolations(page);
  const first = await page.goto("/");
  const headers = first!.headers();
  const csp = headers["content-security-policy"]!;
  const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
  expect(nonce).toBeTruthy();
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
  expect(headers["referrer-policy"]).toBe("same-origin");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  // NEXTAUTH_URL is http here: no HSTS.
  expect(headers["strict-transport-security"]).toBeUndefined();

  // Every script Next rendered carries this response's nonce (and ran: the page is interactive).
  const scripts = await page.locator("script").evaluateAll((els) => els.map((e) => (e as HTMLScriptElement).nonce));
  expect(scripts.length).toBeGreaterThan(0);
  expect(scripts.every((n) => n === nonce)).toBe(true);
  await page.getByRole("link", { name: "Open the dashboard" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await expect(page.getByRole("button", { name: /sign in with xero/i })).toBeEnabled();

  const second = await request.get("/");
  expect(/'nonce-([^']+)'/.exec(second.headers()["content-security-policy"]!)?.[1]).not.toBe(nonce);
  // API answers carry them too.
  expect((await request.get("/api/v1/tenants")).headers()["x-frame-options"]).toBe("DENY");
  expect(violations).toEqual([]);
});

test("the health check, webhooks and the read API answer on any host; other paths move to the canonical one", async ({ request }) => {
  const health = await request.get(`${OTHER_HOST}/api/health`, { maxRedirects: 0 });
  expect(health.status()).toBe(200);
  const hook = await request.post(`${OTHER_HOST}/api/xero/webhooks`, { data: "{}", headers: { "content-type": "application/json" }, maxRedirects: 0 });
  expect(hook.status()).not.toBe(308);
  // The read API authenticates by bearer token, not by a host's cookies: answered where it is asked.
  const api = await request.get(`${OTHER_HOST}/api/v1/invoices`, { maxRedirects: 0 });
  expect(api.status()).toBe(401);
  const page = await request.get(`${OTHER_HOST}/invoices?status=PAID`, { maxRedirects: 0 });
  expect(page.status()).toBe(308);
  expect(page.headers()["location"]).toBe(`${CANONICAL}/invoices?status=PAID`);
});
