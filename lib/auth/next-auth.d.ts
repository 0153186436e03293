import type { DefaultSession } from "next-auth";

// Database sessions: the session callback in lib/auth/options.ts adds the user's id.
declare module "next-auth" {
  interface Session {
    user: { id: string } & DefaultSession["user"];
  }
}
