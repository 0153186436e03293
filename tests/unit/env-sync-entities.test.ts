import { describe, expect, it } from "vitest";
import { ENTITIES } from "@/lib/entities/registry";
import { defaultSyncEntities, IDENTITY_SCOPES } from "@/lib/entities/scopes";
import { EnvError, parseEnv } from "@/lib/env";

const identity = [...IDENTITY_SCOPES];

function envError(source: Record<string, string>): string {
  try {
    parseEnv(source);
  } catch (error) {
    expect(error).toBeInstanceOf(EnvError);
    return (error as Error).message;
  }
  throw new Error("parseEnv accepted it");
}

describe("XERO_SYNC_ENTITIES", () => {
  it("unset: the default entities, and Connect Xero asks for exactly their granular scopes", () => {
    const env = parseEnv({ XERO_DEMO: "1" });
    const defaults = defaultSyncEntities();
    expect(env.syncEntities).toEqual(defaults.map((e) => e.name));
    expect(env.scopes).toEqual([...identity, ...new Set(defaults.map((e) => e.xero.scopes[0]))]);
    expect(env.scopesConfigured).toBe(false);
  });

  it("a list: those entities in the order a sync walks them, names or URL segments, and only their scopes", () => {
    const env = parseEnv({ XERO_DEMO: "1", XERO_SYNC_ENTITIES: " contacts, invoices " });
    expect(env.syncEntities).toEqual(["invoices", "contacts"]);
    const one = parseEnv({ XERO_DEMO: "1", XERO_SYNC_ENTITIES: "invoices" });
    expect(one.syncEntities).toEqual(["invoices"]);
    expect(one.scopes).toEqual([...identity, "accounting.invoices.read"]);
    // URL segments (credit-notes) name entities too.
    const slugs = ENTITIES.map((e) => e.name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`));
    expect(parseEnv({ XERO_DEMO: "1", XERO_SYNC_ENTITIES: slugs.join(",") }).syncEntities).toEqual(ENTITIES.map((e) => e.name));
  });

  it("an unknown name stops start-up with one line naming it and listing the known ones", () => {
    const message = envError({ XERO_DEMO: "1", XERO_SYNC_ENTITIES: "invoices,invoicez" });
    expect(message).toContain(`XERO_SYNC_ENTITIES names an unknown entity: "invoicez" (known: ${ENTITIES.map((e) => e.name).join(", ")})`);
    expect(envError({ XERO_DEMO: "1", XERO_SYNC_ENTITIES: "foo bar" })).toContain('unknown entities: "foo", "bar"');
  });

  it("empty is the default", () => {
    expect(parseEnv({ XERO_DEMO: "1", XERO_SYNC_ENTITIES: " " }).syncEntities).toEqual(defaultSyncEntities().map((e) => e.name));
  });
});

describe("XERO_SCOPES", () => {
  it("overrides what Connect Xero asks for (apps holding Xero's broad scopes)", () => {
    const env = parseEnv({ XERO_DEMO: "1", XERO_SCOPES: "openid profile email offline_access accounting.transactions.read accounting.contacts.read" });
    expect(env.scopes).toEqual(["openid", "profile", "email", "offline_access", "accounting.transactions.read", "accounting.contacts.read"]);
    expect(env.scopesConfigured).toBe(true);
  });
});
