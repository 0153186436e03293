import type { Metadata, Viewport } from "next";
import { connection } from "next/server";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Xero Sync", template: "%s · Xero Sync" },
  icons: { icon: "/favicon.svg" },
  description: "Mirror your Xero organisations' invoices and contacts into a database you control.",
};

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // Every page is rendered per request, so each carries the CSP nonce of its response (proxy.ts);
  // a page prerendered at build time would have scripts without it, which the browser blocks.
  await connection();
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">{children}</body>
    </html>
  );
}
