import { describe, expect, it } from "vitest";
import type { EntityDefinition } from "@/lib/entities/definition";
import { entity } from "@/lib/entities/registry";
import { connectScopes, defaultSyncEntities, IDENTITY_SCOPES, missingScopeMessage, scopeGaps } from "@/lib/entities/scopes";

const invoices = entity("invoices");
const contacts = entity("contacts");
const identity = [...IDENTITY_SCOPES];

/**
 * An entity whose scope Xero grants only on some plans, as journals' definition declares it
 * (accounting.journals.read, Advanced plan only): scopeUnavailable set.
 */
const planRestricted: EntityDefinition = {
  ...contacts,
  name: "journals",
  label: "Journals",
  xero: { ...contacts.xero, endpoint: "Journals", scopes: ["accounting.journals.read"], scopeUnavailable: "Not available on this Xero plan: Xero grants journals to organisations on its Advanced plan only." },
};

describe("connectScopes", () => {
  it("is the identity scopes and exactly each entity's granular scope, once", () => {
    expect(connectScopes([invoices, contacts])).toEqual([...identity, "accounting.invoices.read", "accounting.contacts.read"]);
    expect(connectScopes([invoices, invoices])).toEqual([...identity, "accounting.invoices.read"]);
    expect(connectScopes([])).toEqual(identity);
  });
});

describe("defaultSyncEntities", () => {
  it("leaves out entities whose scope only some Xero plans grant", () => {
    expect(defaultSyncEntities([invoices, planRestricted, contacts]).map((e) => e.name)).toEqual(["invoices", "contacts"]);
    expect(defaultSyncEntities().every((e) => e.xero.scopeUnavailable === undefined)).toBe(true);
  });
});

describe("scopeGaps", () => {
  const granular = connectScopes([invoices, contacts]);

  it("a grant without an entity's scope: a reconnect asking for that scope and the identity ones only", () => {
    const gaps = scopeGaps([invoices, contacts], "openid profile email offline_access accounting.invoices.read", granular);
    expect(gaps.reconnect.map((e) => e.name)).toEqual(["contacts"]);
    expect(gaps.unavailable).toEqual([]);
    expect(gaps.request).toEqual([...identity, "accounting.contacts.read"]);
  });

  it("broad scopes of older apps read the entities: nothing missing", () => {
    const gaps = scopeGaps([invoices, contacts], "openid offline_access accounting.transactions accounting.contacts", granular);
    expect(gaps).toEqual({ reconnect: [], unavailable: [], request: [] });
  });

  it("with broad XERO_SCOPES the reconnect asks for the broad scope the app is configured with", () => {
    const broad = [...identity, "accounting.transactions.read", "accounting.contacts"];
    expect(scopeGaps([invoices, contacts], "openid offline_access accounting.transactions.read", broad).request).toEqual([...identity, "accounting.contacts"]);
  });

  it("an entity Xero grants only on some plans is unavailable with its plan message, never a reconnect", () => {
    const gaps = scopeGaps([invoices, planRestricted], "openid offline_access accounting.invoices.read", granular);
    expect(gaps.reconnect).toEqual([]);
    expect(gaps.unavailable.map((e) => e.name)).toEqual(["journals"]);
    expect(gaps.request).toEqual([]);
    expect(missingScopeMessage(planRestricted)).toMatch(/^Not available on this Xero plan/);
    expect(missingScopeMessage(contacts)).toMatch(/^Reconnect to sync contacts/);
  });

  it("a grant whose scopes were not recorded lacks nothing (Xero's answer decides)", () => {
    expect(scopeGaps([invoices, contacts], "", granular).reconnect).toEqual([]);
  });
});
