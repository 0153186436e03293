/**
 * A consent URL made by openid-client (PKCE S256, state, nonce), for tests and benchmarks that
 * talk to the simulator's identity service directly, plus what completeAuthorization needs to
 * finish it. The app itself starts consent only through startXeroConnect (lib/xero/connect-flow.ts).
 */
import { generators } from "openid-client";
import { getOpenIdClient, type XeroConfig } from "../../lib/xero/identity";

export interface AuthorizationRequest {
  url: string;
  state: string;
  nonce: string;
  codeVerifier: string;
  redirectUri: string;
}

export async function createAuthorizationRequest(config: XeroConfig, opts: { state?: string; redirectUri?: string; extraParams?: Record<string, string> } = {}): Promise<AuthorizationRequest> {
  const client = await getOpenIdClient(config);
  const state = opts.state ?? generators.state();
  const nonce = generators.nonce();
  const codeVerifier = generators.codeVerifier();
  const redirectUri = opts.redirectUri ?? config.redirectUris[0] ?? "";
  const url = client.authorizationUrl({
    redirect_uri: redirectUri,
    scope: config.scopes.join(" "),
    state,
    nonce,
    code_challenge: generators.codeChallenge(codeVerifier),
    code_challenge_method: "S256",
    ...opts.extraParams,
  });
  return { url, state, nonce, codeVerifier, redirectUri };
}
