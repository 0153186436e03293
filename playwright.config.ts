import { randomBytes } from "node:crypto";
import { defineConfig, devices } from "@playwright/test";

/**
 * End-to-end tests in Debian's Chromium (Playwright cannot download its own browser here) against
 * the production build, served by the real launcher in demo mode with its own simulator and a fresh
 * database: tests/e2e/server.ts. `npm test` builds first (next build).
 */
export const E2E_APP_PORT = Number(process.env.E2E_APP_PORT ?? 3100);
export const E2E_SIM_PORT = Number(process.env.E2E_SIM_PORT ?? 4110);
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
// The demo simulator's control token, known to the specs (they inject faults through /__sim/) and the server.
process.env.DEMO_SIM_CONTROL_TOKEN ??= randomBytes(24).toString("base64url");

export default defineConfig({
  testDir: "./tests/e2e",
  outputDir: "./test-results",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"], ["json"], ["html", { open: "never", outputFolder: "playwright-report" }]],
  use: {
    baseURL: `http://localhost:${E2E_APP_PORT}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: chromium,
      args: [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"], channel: undefined } }],
  webServer: {
    command: "npx tsx tests/e2e/server.ts",
    url: `http://localhost:${E2E_APP_PORT}/api/health`,
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    env: { E2E_APP_PORT: String(E2E_APP_PORT), E2E_SIM_PORT: String(E2E_SIM_PORT), DEMO_SIM_CONTROL_TOKEN: process.env.DEMO_SIM_CONTROL_TOKEN },
  },
});
