import coreWebVitals from "eslint-config-next/core-web-vitals";
import typescript from "eslint-config-next/typescript";

const config = [
  ...coreWebVitals,
  ...typescript,
  {
    ignores: [".next/**", ".next-*/**", ".data/**", "node_modules/**", "drizzle/**", "test-results/**", "playwright-report/**", "tests/.output/**", "next-env.d.ts"],
  },
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-explicit-any": "error",
      "no-console": "off",
    },
  },
  // Layer boundaries. Pages, actions and route handlers reach the database through lib/'s
  // repositories and read models (they may hold the handle from lib/db, never build queries).
  {
    files: ["app/**/*.{ts,tsx}"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["drizzle-orm", "drizzle-orm/*"], message: "app/ builds no queries: put them in lib/ (a read model or lib/db/queries)." },
            { group: ["**/lib/db/schema"], message: "app/ goes through lib/ read models and repositories, not the schema." },
          ],
        },
      ],
    },
  },
  // The sync engine runs outside Next too (npm run sync, the scheduler, tests): no next/*.
  {
    files: ["lib/sync/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["next", "next/*"], message: "lib/sync is plain orchestration; it must not depend on Next." }] },
      ],
    },
  },
];

export default config;
