/**
 * next-auth v4: sign-in with Xero, sign-out, session (GET/POST /api/auth/*). The options are built
 * on first request (lib/auth/options.ts) so that `next build` reads no environment.
 */
import NextAuth from "next-auth";
import { getAuthOptions } from "@/lib/auth/options";

export const dynamic = "force-dynamic";

type Handler = (request: Request, context: { params: Promise<{ nextauth: string[] }> }) => Promise<Response>;

const handler: Handler = (request, context) => (NextAuth(getAuthOptions()) as unknown as Handler)(request, context);

export { handler as GET, handler as POST };
