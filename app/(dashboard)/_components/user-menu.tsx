"use client";

import Link from "next/link";
import { signOut } from "next-auth/react";
import { useState } from "react";

/** The signed-in person and Sign out (next-auth's own sign-out: CSRF-checked POST, session row deleted). */
export function UserMenu({ name, email }: { name: string | null; email: string | null }) {
  const [pending, setPending] = useState(false);
  const label = name || email || "Account";
  const initials = label
    .split(/[\s@.]+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((p) => p[0]!.toUpperCase())
    .join("");
  return (
    <details className="group relative">
      <summary className="flex cursor-pointer list-none items-center gap-2 rounded-full p-1 pr-2 text-sm text-slate-700 hover:bg-slate-100 [&::-webkit-details-marker]:hidden">
        <span aria-hidden="true" className="flex h-8 w-8 items-center justify-center rounded-full bg-brand-700 text-xs font-semibold text-white">
          {initials || "?"}
        </span>
        <span className="hidden max-w-[12rem] truncate sm:inline">{label}</span>
        <span className="sr-only">Open account menu</span>
      </summary>
      <div className="absolute right-0 z-20 mt-2 w-60 rounded-lg border border-slate-200 bg-white p-2 shadow-lg">
        <div className="border-b border-slate-100 px-2 pb-2">
          {name ? <p className="truncate text-sm font-medium text-ink">{name}</p> : null}
          {email ? <p className="truncate text-xs text-slate-600">{email}</p> : null}
        </div>
        <Link href="/settings/api" className="mt-1 block rounded-md px-2 py-2 text-sm text-slate-700 hover:bg-slate-100">
          API tokens
        </Link>
        <Link href="/settings/usage" className="block rounded-md px-2 py-2 text-sm text-slate-700 hover:bg-slate-100">
          Xero usage
        </Link>
        <Link href="/settings/alerts" className="block rounded-md px-2 py-2 text-sm text-slate-700 hover:bg-slate-100">
          Alert webhook
        </Link>
        <button
          type="button"
          disabled={pending}
          onClick={() => {
            setPending(true);
            void signOut({ callbackUrl: "/" });
          }}
          className="mt-1 w-full rounded-md px-2 py-2 text-left text-sm text-slate-700 hover:bg-slate-100 disabled:opacity-60"
        >
          {pending ? "Signing out…" : "Sign out"}
        </button>
      </div>
    </details>
  );
}
