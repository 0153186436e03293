import Link from "next/link";

export default function NotFound() {
  return (
    <div className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
      <h1 className="text-lg font-semibold text-ink">Not found</h1>
      <p className="mt-2 text-sm text-slate-600">
        There is nothing here, or it belongs to an organisation you have not connected. It may also have been removed by a recent sync.
      </p>
      <div className="mt-4 flex gap-3 text-sm font-medium">
        <Link href="/invoices" className="text-brand-700 hover:underline">
          Invoices
        </Link>
        <Link href="/contacts" className="text-brand-700 hover:underline">
          Contacts
        </Link>
        <Link href="/dashboard" className="text-brand-700 hover:underline">
          Overview
        </Link>
      </div>
    </div>
  );
}
