import type { Metadata } from "next";
import Link from "next/link";
import { requireDashboardUser } from "../../../_components/user";
import { ApiReference } from "./api-reference";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "API reference" };

/** The read API's OpenAPI document (/api/v1/openapi.json) rendered by Swagger UI, served from this app. */
export default async function ApiReferencePage() {
  await requireDashboardUser("/settings/api/reference");
  return (
    <>
      <h1 className="text-2xl font-semibold tracking-tight text-ink">API reference</h1>
      <p className="mt-1 max-w-3xl text-sm text-slate-600">
        Every route of <code className="rounded bg-slate-100 px-1">/api/v1</code>, its parameters and answers, from the{" "}
        <a className="text-brand-700 underline" href="/api/v1/openapi.json">
          OpenAPI 3.1 document
        </a>{" "}
        the API is built from. Programs authenticate with a token from <Link className="text-brand-700 underline" href="/settings/api">API tokens</Link>.
      </p>
      <ApiReference url="/api/v1/openapi.json" />
    </>
  );
}
