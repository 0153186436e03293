// @ts-check
/**
 * Next.js configuration.
 * - PGlite ships WASM and data files that webpack/turbopack must not bundle (SETUP.md: builds break
 *   at run time otherwise); postgres.js and xero-node (axios, openid-client) stay server-external so
 *   there is exactly one instance of each module at run time. pg-boss (and its pg driver, whose
 *   optional native binding a bundler would try to resolve) stays external for the same reasons.
 * @type {import('next').NextConfig}
 */
const nextConfig = {
  serverExternalPackages: ["@electric-sql/pglite", "postgres", "xero-node", "openid-client", "axios", "pg-boss", "pg"],
  // NEXT_DIST_DIR lets a second build (e.g. the e2e suite's) live beside the one `npm start` serves.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  poweredByHeader: false,
  reactStrictMode: true,
  // next build type-checks too, so a build that would not compile under tsc is refused.
};

export default nextConfig;
