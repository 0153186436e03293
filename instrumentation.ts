/**
 * Runs once when the Next.js server starts (Node runtime only): validate the environment so a bad
 * variable stops the server with a message naming it, instead of failing on the first request.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { getEnv } = await import("@/lib/env");
  getEnv();
}
