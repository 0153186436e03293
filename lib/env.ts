import { z } from "zod";
import { ENTITIES, entityBySlug, entityByName } from "@/lib/entities/registry";
import { connectScopes, defaultSyncEntities } from "@/lib/entities/scopes";
import { XERO_PLANS } from "@/lib/usage/plans";

/**
 * The typed environment (create-t3-app's habit): every variable is validated once, here, with a
 * message naming the bad variable. Nothing else in the project reads `process.env` for settings.
 *
 * Demo mode is decided once, by `decideStartMode` below (used by `npm start`, lib/cli/start.ts):
 * the zero-config default, or asked for with XERO_DEMO=1. The launcher then starts the Xero
 * simulator and fills XERO_* with the simulator's URLs and its demo client before the app starts,
 * so inside the app demo mode is just another set of values.
 */

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional();

const postgresUrl = z
  .string()
  .trim()
  .refine((v) => {
    try {
      const u = new URL(v);
      return u.protocol === "postgres:" || u.protocol === "postgresql:";
    } catch {
      return false;
    }
  }, "must be a postgres:// or postgresql:// URL, e.g. postgres://user:password@localhost:5432/xero_sync");

const httpUrl = z
  .string()
  .trim()
  .refine((v) => {
    try {
      const u = new URL(v);
      return u.protocol === "http:" || u.protocol === "https:";
    } catch {
      return false;
    }
  }, "must be an http(s) URL")
  .transform((v) => v.replace(/\/+$/, ""));

/** 32 bytes as 64 hex characters or base64 (44 characters). */
const encryptionKey = z
  .string()
  .trim()
  .refine((v) => decodeKey(v) !== null, "must be 32 random bytes, as 64 hex characters or base64 (openssl rand -base64 32)");

export function decodeKey(value: string): Buffer | null {
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, "hex");
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(value)) {
    const buf = Buffer.from(value.replace(/-/g, "+").replace(/_/g, "/"), "base64");
    return buf.length === 32 ? buf : null;
  }
  return null;
}

/** One allowlist entry: an email address, or a domain (optionally written "@example.com"). */
const ALLOWLIST_ENTRY = /^(?:[^\s@,]+@|@)?(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$/;

/** ALLOWED_SIGN_INS as lower-case entries: "ann@example.com" or "example.com". */
const allowlist = z
  .string()
  .optional()
  .transform((v) => (v ?? "").split(/[\s,]+/).map((e) => e.trim().toLowerCase()).filter(Boolean))
  .refine((entries) => entries.every((e) => ALLOWLIST_ENTRY.test(e)), "must list email addresses or domains, separated by commas (e.g. ann@example.com, example.org)")
  .transform((entries) => entries.map((e) => e.replace(/^@/, "")));

/**
 * XERO_SYNC_ENTITIES as entity names in the registry's order. The registry is read when the value
 * is parsed, not when this module loads, so the entity modules may import this one.
 */
const syncEntityList = z
  .string()
  .optional()
  .transform((v, ctx) => {
    const given = (v ?? "").split(/[\s,]+/).filter(Boolean);
    if (!given.length) return undefined;
    const unknown = given.filter((g) => !(entityByName(g) ?? entityBySlug(g)));
    if (unknown.length) {
      ctx.addIssue({
        code: "custom",
        message: `names ${unknown.length === 1 ? "an unknown entity" : "unknown entities"}: ${unknown.map((u) => `"${u.slice(0, 40)}"`).join(", ")} (known: ${ENTITIES.map((e) => e.name).join(", ")})`,
      });
      return z.NEVER;
    }
    const names = new Set(given.map((g) => (entityByName(g) ?? entityBySlug(g))!.name));
    return ENTITIES.map((e) => e.name).filter((n) => names.has(n));
  });

const intFromString = (def: number, min: number, max: number) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v) => (v === undefined || v === "" ? String(def) : v))
    .pipe(z.string().regex(/^\d+$/, "must be a whole number"))
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

export const envSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
    /** Unset: embedded PGlite under DATA_DIR. Set: PostgreSQL through postgres.js. */
    DATABASE_URL: postgresUrl.optional().or(z.literal("").transform(() => undefined)),
    DATA_DIR: z.string().trim().default("./.data"),
    PORT: intFromString(3000, 1, 65535),
    NEXTAUTH_URL: httpUrl.default("http://localhost:3000"),
    AUTH_SECRET: optionalString,
    NEXTAUTH_SECRET: optionalString,
    XERO_CLIENT_ID: optionalString,
    XERO_CLIENT_SECRET: optionalString,
    XERO_REDIRECT_URI: httpUrl.optional(),
    /**
     * The scopes Connect Xero asks for. Unset: the OpenID ones plus each enabled entity's granular
     * scope. For apps that hold Xero's broad scopes (accounting.transactions.read …).
     */
    XERO_SCOPES: optionalString,
    /** The mirrored entities, by name (credit-notes or creditNotes). Unset: defaultSyncEntities(). */
    XERO_SYNC_ENTITIES: syncEntityList,
    XERO_GRANT_TYPE: z.enum(["authorization_code", "client_credentials"]).default("authorization_code"),
    /**
     * With XERO_GRANT_TYPE=client_credentials: email of the user who owns the Custom Connection and
     * its synced data (created if missing). Default custom-connection@xero-sync.local.
     */
    XERO_CUSTOM_CONNECTION_OWNER: z
      .string()
      .trim()
      .optional()
      .transform((v) => (v === "" ? undefined : v))
      .pipe(z.email("must be an email address").optional()),
    /**
     * The Xero app used for "Sign in with Xero" when it differs from XERO_CLIENT_ID — needed with
     * XERO_GRANT_TYPE=client_credentials, because a Custom Connection app cannot sign people in.
     * Default: XERO_CLIENT_ID / XERO_CLIENT_SECRET.
     */
    XERO_SIGNIN_CLIENT_ID: optionalString,
    XERO_SIGNIN_CLIENT_SECRET: optionalString,
    XERO_WEBHOOK_KEY: optionalString,
    XERO_IDENTITY_URL: httpUrl.default("https://identity.xero.com"),
    XERO_API_URL: httpUrl.default("https://api.xero.com"),
    XERO_TIMEOUT_MS: intFromString(30_000, 1_000, 600_000),
    /** 1: run the demo (the bundled simulator) even with a database or secrets configured. */
    XERO_DEMO: z.enum(["0", "1"]).default("0"),
    XERO_SIM_PORT: intFromString(4010, 1, 65535),
    /** The demo simulator's control token (its /__sim/ endpoints); default a new random one each start. */
    XERO_SIM_CONTROL_TOKEN: optionalString,
    TOKEN_ENCRYPTION_KEY: encryptionKey.optional().or(z.literal("").transform(() => undefined)),
    /**
     * Key rotation: the previous TOKEN_ENCRYPTION_KEY. Stored secrets encrypted with it are still
     * read; every write (each token refresh) uses TOKEN_ENCRYPTION_KEY, so rows migrate by
     * themselves within ~30 minutes of syncing. Remove it afterwards.
     */
    TOKEN_ENCRYPTION_KEY_PREVIOUS: encryptionKey.optional().or(z.literal("").transform(() => undefined)),
    /** Minutes between scheduled syncs of an organisation without its own interval (lib/sync/cadence.ts); 0 = no schedule. */
    SYNC_INTERVAL_MINUTES: intFromString(60, 0, 24 * 60),
    /** Webhook-started syncs per organisation: at most one per this many seconds; 0 = no debounce. */
    WEBHOOK_SYNC_DEBOUNCE_SECONDS: intFromString(60, 0, 3600),
    /** xero_sessions rows older than this are summarised per day and deleted; 0 keeps them forever. */
    SESSION_RETENTION_DAYS: intFromString(90, 0, 36_500),
    /**
     * Who may sign in: email addresses and/or domains. Unset: everyone in demo mode, nobody
     * otherwise (lib/auth/allowlist.ts).
     */
    ALLOWED_SIGN_INS: allowlist,
    /** Background syncs (Sync now, webhooks, first syncs) one process runs at once; more wait their turn. */
    SYNC_MAX_CONCURRENT: intFromString(3, 1, 100),
    /** A sync stops at a page boundary after this long (resumable: the next one continues); 0 = no bound. */
    SYNC_MAX_MINUTES: intFromString(60, 0, 24 * 60),
    /** Requests one API token may make per minute (a fixed window counted in the database, shared by every process). */
    API_TOKEN_RATE_LIMIT: intFromString(600, 1, 1_000_000),
    /** Bearer token of GET /api/metrics (Prometheus); unset, the route refuses. */
    METRICS_TOKEN: optionalString,
    /** 0: `npm start` on PostgreSQL runs no sync worker beside the app (run `npm run worker` elsewhere). */
    START_WORKER: z.enum(["0", "1"]).default("1"),
    /** The operator's Xero API plan (lib/usage/plans.ts): its connection cap, egress allowance and daily quota. */
    XERO_PLAN: z.preprocess((v) => (typeof v === "string" ? v.trim().toLowerCase() || undefined : v), z.enum(XERO_PLANS).default("starter")),
  })
  .superRefine((env, ctx) => {
    if (env.XERO_DEMO !== "1") {
      for (const name of missingSecrets(env)) {
        ctx.addIssue({ code: "custom", path: [name], message: "is required outside demo mode (openssl rand -base64 32)" });
      }
    }
    if (env.XERO_SIGNIN_CLIENT_ID && !env.XERO_SIGNIN_CLIENT_SECRET) {
      ctx.addIssue({ code: "custom", path: ["XERO_SIGNIN_CLIENT_SECRET"], message: "is required when XERO_SIGNIN_CLIENT_ID is set" });
    }
    if (env.XERO_CLIENT_ID && !env.XERO_CLIENT_SECRET) {
      ctx.addIssue({ code: "custom", path: ["XERO_CLIENT_SECRET"], message: "is required when XERO_CLIENT_ID is set" });
    }
  });

/** The secrets a production server needs outside demo mode, by the names that are missing. */
function missingSecrets(vars: { NODE_ENV?: string; AUTH_SECRET?: string; NEXTAUTH_SECRET?: string; TOKEN_ENCRYPTION_KEY?: string }): string[] {
  if ((vars.NODE_ENV ?? "production") !== "production") return [];
  const missing: string[] = [];
  if (!vars.AUTH_SECRET && !vars.NEXTAUTH_SECRET) missing.push("AUTH_SECRET");
  if (!vars.TOKEN_ENCRYPTION_KEY) missing.push("TOKEN_ENCRYPTION_KEY");
  return missing;
}

/**
 * Variables that say "this is a real deployment": a database, secrets, or anything of Xero's.
 * Not among them: XERO_SIM_PORT, XERO_SIM_CONTROL_TOKEN, XERO_DEMO and XERO_PLAN (demo settings, or harmless in one), and PORT, NEXTAUTH_URL, DATA_DIR,
 * SYNC_INTERVAL_MINUTES, ALLOWED_SIGN_INS, which a demo uses too.
 */
const DEMO_SAFE_XERO_VARIABLES = ["XERO_SIM_PORT", "XERO_DEMO", "XERO_PLAN", "XERO_SIM_CONTROL_TOKEN"];

export function deploymentVariables(source: Record<string, string | undefined>): string[] {
  const set = (name: string) => (source[name] ?? "").trim() !== "";
  const fixed = ["DATABASE_URL", "AUTH_SECRET", "NEXTAUTH_SECRET", "TOKEN_ENCRYPTION_KEY", "TOKEN_ENCRYPTION_KEY_PREVIOUS"];
  const xero = Object.keys(source)
    .filter((name) => name.startsWith("XERO_") && !DEMO_SAFE_XERO_VARIABLES.includes(name))
    .sort();
  return [...fixed, ...xero].filter(set);
}

/** Variables that would point the app at another Xero than the demo's simulator. */
const XERO_TARGET_VARIABLES = ["XERO_CLIENT_ID", "XERO_CLIENT_SECRET", "XERO_SIGNIN_CLIENT_ID", "XERO_SIGNIN_CLIENT_SECRET", "XERO_IDENTITY_URL", "XERO_API_URL"];

export type StartMode =
  /** Run the bundled simulator: nothing of a deployment is configured, or XERO_DEMO=1 asked for it. */
  | { mode: "demo"; optIn: boolean }
  /** Talk to the Xero that XERO_* configure. */
  | { mode: "xero" }
  /** Neither: `message` is one line naming what is missing or conflicting. */
  | { mode: "refuse"; message: string };

const list = (names: string[]) => (names.length === 1 ? names[0]! : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`);
const verb = (names: string[]) => (names.length === 1 ? "is" : "are");

/**
 * What `npm start` does with an environment (before it fills in anything). Demo mode is the
 * zero-config default only: once anything of a real deployment is set (deploymentVariables), a
 * missing Xero credential or secret stops the start with one line naming it, instead of quietly
 * pointing the stored grants at the simulator (which answers invalid_grant to Xero's refresh
 * tokens). The demo on a configured database needs XERO_DEMO=1.
 */
export function decideStartMode(source: Record<string, string | undefined>): StartMode {
  const set = (name: string) => (source[name] ?? "").trim() !== "";
  const demo = (source.XERO_DEMO ?? "").trim();
  if (demo !== "" && demo !== "0" && demo !== "1") {
    return { mode: "refuse", message: `XERO_DEMO must be 1 (run the demo with the bundled Xero simulator) or 0 (got "${demo.slice(0, 20)}")` };
  }
  if (demo === "1") {
    const conflicting = XERO_TARGET_VARIABLES.filter(set);
    if (conflicting.length) {
      return {
        mode: "refuse",
        message: `XERO_DEMO=1 runs the bundled Xero simulator, but ${list(conflicting)} ${verb(conflicting)} set too: unset XERO_DEMO to use that Xero, or unset ${conflicting.length === 1 ? "it" : "them"} for the demo`,
      };
    }
    return { mode: "demo", optIn: true };
  }
  const configured = deploymentVariables(source);
  if (!configured.length && demo === "") return { mode: "demo", optIn: false };

  const missing = ["XERO_CLIENT_ID", "XERO_CLIENT_SECRET"].filter((name) => !set(name));
  const trimmed = (name: string) => (set(name) ? source[name] : undefined);
  missing.push(
    ...missingSecrets({
      NODE_ENV: trimmed("NODE_ENV"),
      AUTH_SECRET: trimmed("AUTH_SECRET"),
      NEXTAUTH_SECRET: trimmed("NEXTAUTH_SECRET"),
      TOKEN_ENCRYPTION_KEY: trimmed("TOKEN_ENCRYPTION_KEY"),
    }),
  );
  if (!missing.length) return { mode: "xero" };
  const why = configured.length ? `${list(configured)} ${verb(configured)} set (a real deployment)` : "XERO_DEMO=0 turns demo mode off";
  const demoHint = XERO_TARGET_VARIABLES.some(set) ? "" : ", or set XERO_DEMO=1 to run the offline demo on this configuration";
  return { mode: "refuse", message: `Not starting: ${why}, but ${list(missing)} ${verb(missing)} missing. Set ${missing.length === 1 ? "it" : "them"} (see .env.example)${demoHint}` };
}

export type Env = z.infer<typeof envSchema> & {
  /** The secret next-auth signs with (AUTH_SECRET, or NEXTAUTH_SECRET for next-auth v4 habits). */
  authSecret: string | undefined;
  redirectUri: string;
  /** What Connect Xero asks for: XERO_SCOPES, or the OpenID scopes and the enabled entities' granular ones. */
  scopes: string[];
  /** XERO_SCOPES is set: the app holds scopes of its own choosing (often Xero's broad ones). */
  scopesConfigured: boolean;
  /** The enabled entities' names, in the order a sync walks them. */
  syncEntities: string[];
  demo: boolean;
};

export class EnvError extends Error {
  constructor(public readonly issues: string[]) {
    super(`Invalid environment:\n  ${issues.join("\n  ")}\nSee .env.example for what each variable means.`);
    this.name = "EnvError";
  }
}

/** Parses an environment (default: process.env). Throws EnvError naming each bad variable. */
export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    throw new EnvError(
      result.error.issues.map((i) => {
        const name = i.path.join(".") || "environment";
        const value = typeof i.path[0] === "string" ? source[i.path[0]] : undefined;
        // Never echo values of secrets; a URL's shape helps, so show those without credentials.
        const shown = value !== undefined && /URL$/.test(name) ? ` (got "${redactUrl(value)}")` : "";
        return `${name} ${i.message}${shown}`;
      }),
    );
  }
  const env = result.data;
  const syncEntities = env.XERO_SYNC_ENTITIES ?? defaultSyncEntities().map((e) => e.name);
  const configuredScopes = (env.XERO_SCOPES ?? "").split(/[\s,]+/).filter(Boolean);
  return {
    ...env,
    authSecret: env.AUTH_SECRET ?? env.NEXTAUTH_SECRET,
    redirectUri: env.XERO_REDIRECT_URI ?? `${env.NEXTAUTH_URL}/api/xero/callback`,
    scopes: configuredScopes.length ? configuredScopes : connectScopes(syncEntities.map((n) => entityByName(n)!)),
    scopesConfigured: configuredScopes.length > 0,
    syncEntities,
    demo: env.XERO_DEMO === "1",
  };
}

/** Replaces the password of a URL with *** so it can be shown in an error message. */
export function redactUrl(value: string): string {
  try {
    const u = new URL(value);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    // Unparsable (often a password with an unencoded "/" or "@"): mask everything up to the last "@".
    return value.replace(/\/\/.*@/, "//***@");
  }
}

let cached: Env | undefined;

/** The validated environment of this process, parsed on first use. */
export function getEnv(): Env {
  cached ??= parseEnv();
  return cached;
}

/** For tests that change process.env between cases. */
export function resetEnvCache(): void {
  cached = undefined;
}
