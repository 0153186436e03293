import type { AuthOptions } from "next-auth";
import type { OAuthConfig } from "next-auth/providers/oauth";
import { getDb } from "@/lib/db";
import { redactSecrets } from "@/lib/log";
import { getEnv } from "@/lib/env";
import { createDrizzleAdapter } from "./adapter";
import { decideSignIn, SIGN_IN_REFUSAL_CODES } from "./allowlist";
import { DEFAULT_AFTER_SIGN_IN, safeRedirectPath } from "./redirect";

/**
 * next-auth v4 configuration: one provider, "Sign in with Xero" (OpenID Connect through Xero's
 * identity server, or the simulator's in demo mode), database sessions through our adapter.
 *
 * Signing in asks only for `openid profile email`: it proves who the person is. Connecting an
 * organisation for syncing is a separate consent (/api/xero/connect) whose grant is stored
 * encrypted in xero_connections.
 *
 * Built lazily (getAuthOptions) so that `next build`, which imports route modules, reads neither
 * the environment nor the database.
 */

/** The claims of Xero's id_token that we use. */
export interface XeroProfile {
  sub: string;
  xero_userid?: string;
  email?: string;
  given_name?: string;
  family_name?: string;
  preferred_username?: string;
  name?: string;
}

export const SIGN_IN_PATH = "/sign-in";

export function xeroProvider(): OAuthConfig<XeroProfile> {
  const env = getEnv();
  return {
    id: "xero",
    name: "Xero",
    type: "oauth",
    wellKnown: `${env.XERO_IDENTITY_URL}/.well-known/openid-configuration`,
    authorization: { params: { scope: "openid profile email" } },
    idToken: true,
    checks: ["pkce", "state", "nonce"],
    clientId: env.XERO_SIGNIN_CLIENT_ID ?? env.XERO_CLIENT_ID,
    clientSecret: env.XERO_SIGNIN_CLIENT_ID ? env.XERO_SIGNIN_CLIENT_SECRET : env.XERO_CLIENT_SECRET,
    // With a Custom Connection, ensureCustomConnection creates its owner (XERO_CUSTOM_CONNECTION_OWNER)
    // before anyone signs in; linking by email lets that person sign in to it. Xero login emails
    // are unique and verified by Xero, and Xero is the only sign-in provider here.
    allowDangerousEmailAccountLinking: env.XERO_GRANT_TYPE === "client_credentials",
    client: { token_endpoint_auth_method: "client_secret_basic" },
    httpOptions: { timeout: env.XERO_TIMEOUT_MS },
    profile(profile) {
      const name =
        [profile.given_name, profile.family_name].filter(Boolean).join(" ") || profile.name || profile.preferred_username || profile.email || null;
      return {
        // xero_userid is Xero's stable user id (the same value /connections grants carry); sub as fallback.
        id: profile.xero_userid ?? profile.sub,
        name,
        email: profile.email?.toLowerCase() ?? null,
        image: null,
      };
    },
  };
}

/**
 * openid-client's messages quote the values they compared ("state mismatch, expected …, got: …"):
 * hide every long random-looking string (state, nonce, code), keeping UUIDs readable.
 */
function redactRandom(text: string): string {
  return text.replace(/\b(?![0-9a-f]{8}-[0-9a-f]{4}-)[A-Za-z0-9_-]{20,}\b/g, "[redacted]");
}

let cached: AuthOptions | undefined;

export function getAuthOptions(): AuthOptions {
  if (cached) return cached;
  const env = getEnv();
  cached = {
    adapter: createDrizzleAdapter(getDb),
    providers: [xeroProvider()],
    secret: env.authSecret ?? devSecret(env.NODE_ENV),
    session: { strategy: "database", maxAge: 30 * 24 * 60 * 60, updateAge: 24 * 60 * 60 },
    pages: { signIn: SIGN_IN_PATH, error: SIGN_IN_PATH },
    callbacks: {
      signIn({ user }) {
        // Runs after Xero proved who this is and before any user row or session is created.
        const decision = decideSignIn(user.email, env);
        if (decision.allowed) return true;
        console.warn(`[auth] sign-in refused: ${decision.reason === "no_allowlist" ? "ALLOWED_SIGN_INS is not set" : "not on ALLOWED_SIGN_INS"}`);
        return `${env.NEXTAUTH_URL}${SIGN_IN_PATH}?error=${SIGN_IN_REFUSAL_CODES[decision.reason]}`;
      },
      session({ session, user }) {
        // Database sessions: expose the user id so server code can scope every query by it.
        if (session.user && user) session.user.id = user.id;
        return session;
      },
      redirect({ url, baseUrl }) {
        // Only same-origin redirects after sign-in (no open redirect through callbackUrl).
        return `${baseUrl}${safeRedirectPath(url, baseUrl) ?? DEFAULT_AFTER_SIGN_IN}`;
      },
    },
    logger: {
      // next-auth's default logger prints whole error objects (which can hold token responses).
      error(code, metadata) {
        const err = metadata instanceof Error ? metadata : (metadata as { error?: unknown })?.error;
        const message = err instanceof Error ? `: ${err.name}: ${redactRandom(redactSecrets(err.message.split("\n")[0] ?? ""))}` : "";
        console.error(`[auth] ${code}${message}`);
      },
      warn(code) {
        console.warn(`[auth] ${code}`);
      },
      debug() {},
    },
  };
  return cached;
}

/** For tests that change the environment. */
export function resetAuthOptions(): void {
  cached = undefined;
}

/**
 * Without AUTH_SECRET next-auth refuses to run in production; env.ts already requires it there
 * outside demo mode (where the launcher sets one). In development and tests a fixed secret keeps
 * sessions working across restarts.
 */
function devSecret(nodeEnv: string): string | undefined {
  return nodeEnv === "production" ? undefined : "xero-sync-development-secret-not-for-production";
}
