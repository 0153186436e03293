import { expect, test } from "@playwright/test";
import { connectXero, expectAccessible, screenshot, signIn } from "./fixtures";

/**
 * API tokens' options in the settings page: a token limited to one organisation, read-only,
 * expiring in 30 days; shown so in the list; reading that organisation only through the API,
 * refused a sync, with the rate-limit headers; revoked, and refused from the next request on.
 * It connects organisations for "sam", so it runs after connect.spec.ts (Playwright runs files in
 * name order with one worker), whose first test needs sam without any; it finds organisations by
 * name, so what sam connected before does not matter.
 */

const ONLY = "Northwind Trading (NZ)";
const OTHER = "Demo Company (UK)";

test("API token limited to one organisation, read-only, expiring: created, listed, used, revoked", async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  await signIn(page, "sam");
  await connectXero(page, "sam", [ONLY, OTHER]);
  const tenants = (await (await page.request.get("/api/v1/tenants")).json()) as { data: { id: string; name: string }[] };
  const only = tenants.data.find((t) => t.name === ONLY)!;
  const other = tenants.data.find((t) => t.name === OTHER)!;
  expect(only && other).toBeTruthy();

  await page.goto("/settings/api");
  await page.getByLabel("Token name").fill("northwind reader");
  await page.getByLabel("Organisations").selectOption({ label: `Only ${ONLY}` });
  await expect(page.getByLabel("Access")).toHaveValue("read");
  await page.getByLabel("Expires").selectOption({ label: "In 30 days" });
  await page.getByRole("button", { name: "Create token" }).click();
  const token = (await page.getByTestId("new-token").innerText()).trim();
  expect(token).toMatch(/^xs_/);
  await page.reload();
  const row = page.getByRole("row").filter({ hasText: "northwind reader" });
  await expect(row).toContainText(ONLY);
  await expect(row).toContainText("Read-only");
  await expect(row).toContainText("Active");
  await expect(row.getByRole("cell").nth(5)).not.toHaveText("Never");
  await expectAccessible(page);
  await screenshot(page, testInfo, "api-tokens-limited");

  const auth = { authorization: `Bearer ${token}` };
  const listed = await page.request.get("/api/v1/tenants", { headers: auth });
  expect(listed.status()).toBe(200);
  expect(Number(listed.headers()["ratelimit-limit"])).toBeGreaterThan(0);
  expect(listed.headers()["ratelimit-remaining"]).toBeDefined();
  expect(((await listed.json()) as { data: { name: string }[] }).data.map((t) => t.name)).toEqual([ONLY]);
  expect((await page.request.get(`/api/v1/tenants/${other.id}/sync`, { headers: auth })).status()).toBe(404);
  expect((await page.request.get(`/api/v1/tenants/${only.id}/sync`, { headers: auth })).status()).toBe(200);
  const refused = await page.request.post(`/api/v1/tenants/${only.id}/sync`, { headers: auth });
  expect(refused.status()).toBe(403);
  expect(((await refused.json()) as { error: { message: string } }).error.message).toContain("read-only");

  await page.getByRole("button", { name: "Revoke northwind reader" }).click();
  await expect(row.getByText("Revoked", { exact: true })).toBeVisible();
  const after = await page.request.get("/api/v1/tenants", { headers: auth });
  expect(after.status()).toBe(401);
  expect(after.headers()["www-authenticate"]).toContain('error="invalid_token"');
});
