import path from "node:path";
import { defineConfig } from "vitest/config";

/**
 * Three projects:
 * - unit: pure functions, no I/O;
 * - simulator: the Xero simulator driven by the real xero-node over HTTP;
 * - integration: the app's services on a real database. Run once per database by tests/run.ts:
 *   TEST_DB=pglite, then TEST_DB=postgres with TEST_DATABASE_URL (see tests/helpers/db.ts).
 */
const alias = { "@": path.resolve(import.meta.dirname) };

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      { resolve: { alias }, test: { name: "unit", include: ["tests/unit/**/*.test.ts"], environment: "node" } },
      {
        resolve: { alias },
        test: { name: "simulator", include: ["tests/simulator/**/*.test.ts"], environment: "node", testTimeout: 30_000, hookTimeout: 60_000 },
      },
      {
        resolve: { alias },
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          // *.postgres.test.ts need two processes on one database, which PGlite (one process by
          // design) cannot give: they belong to the PostgreSQL run only.
          exclude: process.env.TEST_DB === "postgres" ? [] : ["tests/integration/**/*.postgres.test.ts"],
          environment: "node",
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
