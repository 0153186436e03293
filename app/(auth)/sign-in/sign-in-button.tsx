"use client";

import { signIn } from "next-auth/react";
import { useState } from "react";

/** Starts next-auth's Xero sign-in (CSRF-checked POST, then Xero's login and consent). */
export function SignInButton({ callbackUrl }: { callbackUrl: string }) {
  const [pending, setPending] = useState(false);
  return (
    <button
      type="button"
      data-testid="sign-in-with-xero"
      disabled={pending}
      onClick={() => {
        setPending(true);
        void signIn("xero", { callbackUrl }).catch(() => setPending(false));
      }}
      className="flex w-full items-center justify-center gap-3 rounded-md bg-brand-600 px-4 py-3 text-base font-semibold text-white shadow-sm hover:bg-brand-700 disabled:cursor-wait disabled:opacity-70"
    >
      <span aria-hidden="true" className="flex h-6 w-6 items-center justify-center rounded-full bg-white text-xs font-bold text-brand-700">
        x
      </span>
      {pending ? "Redirecting to Xero…" : "Sign in with Xero"}
    </button>
  );
}
