import { expect, test } from "@playwright/test";

test("the landing page says what the product is and leads to the dashboard", async ({ page }, testInfo) => {
  const response = await page.goto("/");
  expect(response?.status()).toBe(200);
  await expect(page).toHaveTitle(/Xero Sync/);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("mirrored into a database you control");
  await expect(page.getByRole("link", { name: "Open the dashboard" })).toBeVisible();
  // No request may leave this machine: every asset is served by the app itself.
  const external: string[] = [];
  page.on("request", (r) => {
    const host = new URL(r.url()).hostname;
    if (!["localhost", "127.0.0.1"].includes(host)) external.push(r.url());
  });
  await page.reload();
  await page.waitForLoadState("networkidle");
  expect(external).toEqual([]);
  await page.screenshot({ path: testInfo.outputPath("home.png"), fullPage: true });
});

test("the health endpoint reports the database", async ({ request }) => {
  const res = await request.get("/api/health");
  expect(res.status()).toBe(200);
  const body = (await res.json()) as { ok: boolean; database: string };
  expect(body.ok).toBe(true);
  expect(["pglite", "postgres"]).toContain(body.database);
});

test("/favicon.ico, which browsers ask for by themselves, is the app's icon", async ({ request }) => {
  const res = await request.get("/favicon.ico");
  expect(res.status()).toBe(200);
  expect(res.headers()["content-type"]).toContain("image/svg+xml");
  expect(await res.text()).toContain("<svg");
});

test("an unknown address answers 404 with a way back, not a stack trace", async ({ page }, testInfo) => {
  const response = await page.goto("/no-such-page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "There is nothing at this address" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Go to the dashboard" })).toBeVisible();
  await expect(page.locator("body")).not.toContainText(/at .*\.js:\d+/);
  await page.screenshot({ path: testInfo.outputPath("not-found.png"), fullPage: true });
});
