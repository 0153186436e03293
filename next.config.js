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
  // `next start` gzips pages but not route handlers' answers: it copies a Response's headers onto
  // the Node response with appendHeader, so Content-Type reaches its compression as an array,
  // which it takes for not compressible. A header set here is on the Node response first (and
  // the handler's copy is then skipped), as a plain string, so the read API's JSON (~150 KB for
  // 200 invoices, ~17 KB gzipped) is compressed for clients that accept it. Only the read API
  // (/api/v1/…): every answer there, errors and 304s too, is JSON (tests/e2e/dashboard.spec.ts
  // checks the encoding).
  async headers() {
    return [{ source: "/api/v1/:path*", headers: [{ key: "Content-Type", value: "application/json" }] }];
  },
  // Browsers ask for /favicon.ico whatever the page declares (bookmarks, tabs opened by URL):
  // the one icon there is, instead of a 404 in every log.
  async rewrites() {
    return [{ source: "/favicon.ico", destination: "/favicon.svg" }];
  },
  reactStrictMode: true,
  // next build type-checks too, so a build that would not compile under tsc is refused.
};

export default nextConfig;
