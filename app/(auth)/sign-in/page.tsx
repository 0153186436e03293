import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { DEFAULT_AFTER_SIGN_IN, safeRedirectPath } from "@/lib/auth/redirect";
import { getCurrentUser } from "@/lib/auth/session";
import { getEnv } from "@/lib/env";
import { SignInButton } from "./sign-in-button";

export const metadata: Metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

/** next-auth's error codes (?error=) as sentences. Unknown codes get the generic one. */
const ERRORS: Record<string, string> = {
  OAuthSignin: "We could not start signing in with Xero. Check that Xero is reachable and try again.",
  OAuthCallback: "Xero's answer could not be verified, so you were not signed in. Please try again.",
  OAuthCreateAccount: "Your account could not be created. Please try again.",
  OAuthAccountNotLinked: "This email address already belongs to another account here, created another way.",
  Callback: "Signing in did not complete. Please try again.",
  AccessDenied: "Access was declined in Xero, so you were not signed in.",
  NotAllowed:
    "Your Xero login is not on this server's list of people who may sign in. Ask whoever runs it to add your email address or its domain to ALLOWED_SIGN_INS.",
  SignInsClosed:
    "Nobody can sign in to this server yet: it has no list of who may (ALLOWED_SIGN_INS). Whoever runs it sets that list, and then you can sign in.",
  Configuration: "Signing in is not configured on this server (Xero credentials or AUTH_SECRET are missing).",
  SessionRequired: "Please sign in to continue.",
  Default: "Signing in did not work. Please try again.",
};

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const callbackUrl = safeRedirectPath(params.callbackUrl, getEnv().NEXTAUTH_URL) ?? DEFAULT_AFTER_SIGN_IN;
  if (await getCurrentUser()) redirect(callbackUrl);
  const errorCode = typeof params.error === "string" ? params.error : undefined;
  const error = errorCode ? (ERRORS[errorCode] ?? ERRORS.Default) : undefined;
  return (
    <div>
      <h1 className="text-2xl font-bold tracking-tight text-ink">Sign in</h1>
      <p className="mt-2 text-sm text-slate-600">
        Use your Xero login. Signing in only tells us who you are; you choose which organisations to sync afterwards, with
        Connect Xero.
      </p>
      {error ? (
        <div role="alert" data-testid="sign-in-error" className="mt-6 rounded-md border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-800">
          {error}
        </div>
      ) : null}
      <div className="mt-8">
        <SignInButton callbackUrl={callbackUrl} />
      </div>
    </div>
  );
}
