import type { Metadata, Viewport } from "next";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Xero Sync", template: "%s · Xero Sync" },
  icons: { icon: "/favicon.svg" },
  description: "Mirror your Xero organisations' invoices and contacts into a database you control.",
};

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">{children}</body>
    </html>
  );
}
