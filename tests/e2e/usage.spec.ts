import { readFileSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import postgres from "postgres";
import { connectXero, DEMO_USERS, expectAccessible, screenshot, signIn, SIM_URL } from "./fixtures";
import { E2E_SIM_CONTROL_TOKEN, e2eDatabaseFile } from "./server-info";

/**
 * Xero's plan in the browser: the usage page (egress, connections, calls per organisation), the
 * organisation's usage panel, the connection-limit page when the simulator holds the app to its
 * cap, and the countdown of a connection whose refresh token is 50 days old. Alex is this spec's
 * user (connecting an organisation others connected already, so the app's count does not grow).
 */

const ORG = "Acme Widgets (AU)";

async function simControl<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${SIM_URL}${path}`, {
    method,
    headers: { "x-sim-control-token": E2E_SIM_CONTROL_TOKEN, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  expect(res.ok, `${method} ${path}: ${res.status}`).toBe(true);
  return (await res.json()) as T;
}

/** The e2e server's database (PostgreSQL: TEST_DATABASE_URL), for what no page sets up. */
function database() {
  const { databaseUrl } = JSON.parse(readFileSync(e2eDatabaseFile(process.env.E2E_APP_PORT ?? "3100"), "utf8")) as { databaseUrl: string | null };
  if (!databaseUrl) throw new Error("usage.spec needs the e2e server on PostgreSQL (TEST_DATABASE_URL) to age a refresh token");
  return postgres(databaseUrl, { max: 1, onnotice: () => {} });
}

async function openUsagePage(page: Page) {
  await page.locator("summary").filter({ hasText: "Open account menu" }).click();
  await page.getByRole("link", { name: "Xero usage" }).click();
  await expect(page.getByRole("heading", { name: "Xero usage", level: 1 })).toBeVisible();
}

test("usage page, organisation usage, the connection-limit page and the token countdown", async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  await signIn(page, "alex");
  await connectXero(page, "alex", [ORG]);
  // The first sync runs after the connect: wait until the usage page counts its calls.
  await openUsagePage(page);
  const row = page.getByRole("row", { name: new RegExp(ORG.replace(/[()]/g, "\\$&")) });
  await expect(async () => {
    await page.reload();
    await expect(row.getByRole("cell").nth(1)).not.toHaveText(/^0\b/);
  }).toPass({ timeout: 60_000 });
  await expect(page.getByRole("main")).toContainText("This app is on Starter");
  await expect(page.getByRole("main")).toContainText(/of 5 \(\d+ %\)/); // connected organisations of the Starter cap
  await expect(page.getByRole("main")).toContainText("XERO_PLAN");
  await expect(page.getByRole("meter", { name: "Connected organisations of the plan's cap" })).toBeVisible();
  await screenshot(page, testInfo, "usage-page");
  await expectAccessible(page);

  // The organisation's own page: calls today against the quota, bytes today and this month.
  await row.getByRole("link", { name: ORG }).click();
  await expect(page.getByRole("heading", { name: ORG, level: 1 })).toBeVisible();
  const panel = page.getByRole("region", { name: "Xero usage" });
  await expect(panel).toContainText("Calls today");
  await expect(panel).toContainText(/of 1,000/);
  await expect(panel.getByRole("meter", { name: "Calls today of the daily quota" })).toBeVisible();
  await expect(panel).toContainText(/Data received today\s*\d/);
  await expect(panel).toContainText(/Xero access lasts (59|60) more days/);
  await screenshot(page, testInfo, "org-usage-panel");
  await expectAccessible(page);

  // Xero holds the app to a cap it has reached: the consent page says so and sends the person back.
  await simControl("POST", "/__sim/connection-limit", { limit: 1 });
  try {
    await page.goto("/dashboard");
    await page.getByRole("link", { name: /connect xero/i }).first().click();
    await expect(page.getByText(/has reached its limit of 1 connected organisations/)).toBeVisible();
    await page.getByRole("radio", { name: new RegExp(DEMO_USERS.alex) }).check();
    await screenshot(page, testInfo, "consent-at-cap");
    await page.getByRole("button", { name: /^Back to / }).click();
    await expect(page).toHaveURL(/connect-error\?reason=connection_limit/);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("This app has reached its Xero connection limit.");
    const limit = page.getByTestId("connection-limit");
    await expect(limit).toContainText(/\d+ of the Starter plan's 5 organisations are connected/);
    await expect(limit.getByRole("link", { name: "Disconnect an organisation" })).toHaveAttribute("href", "/dashboard");
    await expect(limit).toContainText("XERO_PLAN");
    await screenshot(page, testInfo, "connection-limit");
    await expectAccessible(page);
  } finally {
    await simControl("POST", "/__sim/connection-limit", { limit: 5 });
  }

  // A refresh token 50 days unused (the keep-alive did not run): the overview and the organisation count down.
  const sql = database();
  try {
    await sql`update xero_connections set refresh_token_issued_at = now() - interval '50 days'
              where user_id in (select id from users where name = ${DEMO_USERS.alex} or email ilike 'alex%')`;
  } finally {
    await sql.end();
  }
  await page.goto("/dashboard");
  const warnings = page.getByRole("region", { name: "Xero usage warnings" });
  await expect(warnings).toContainText(`${ORG}: Xero access ends in 10 days — Sync now or reconnect.`);
  await screenshot(page, testInfo, "overview-countdown");
  await expectAccessible(page);
  await warnings.getByRole("link", { name: ORG }).click();
  await expect(page.getByRole("region", { name: "Xero usage" })).toContainText("Xero access ends in 10 days — Sync now or reconnect.");
  await screenshot(page, testInfo, "org-countdown");
});
