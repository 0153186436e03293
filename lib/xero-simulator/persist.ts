/**
 * Optional persistence for demo mode: the whole simulator state (organisations with their
 * changes, clock, grants, tokens, connections, webhook subscription) in one JSON file, so that
 * tokens the app stored keep working after `npm start` restarts. Writes are debounced and atomic
 * (temp file + rename). Delete the file (or POST /__sim/reset) to start from fresh data.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { PROFILES, type OrgProfile, type Tenant } from "./data";
import { ENTITIES, seedEntities } from "./entities/registry";
import { emptyStore } from "./entities/store";
import type { SimRecord } from "./entities/types";
import { exportSigningKey, adoptSigningKey } from "./jwt";
import type { Sim } from "./state";

const VERSION = 1;
const DEMO_CLIENT_PREFIX = "SIM";

type SavedTenant = Omit<Tenant, "profile" | "invoiceById" | "contactById" | "invoiceIndex" | "contactIndex" | "records"> & {
  country: OrgProfile["countryCode"];
  /** Each fixture's records (absent in files from before the fixtures: those are seeded afresh). */
  records?: Record<string, { list: SimRecord[]; deleted: SimRecord[] }>;
};

interface Snapshot {
  version: number;
  savedAt: string;
  seed: number;
  clockOffsetMs: number;
  customConnectionTenant: string | null;
  tenants: SavedTenant[];
  clients: unknown[];
  grants: unknown[];
  accessTokens: [string, unknown][];
  refreshTokens: [string, unknown][];
  connections: unknown[];
  webhooks: { url: string | null; key: string | null; active: boolean; sequence: number };
  signingKey: { kid: string; pem: string };
}

export function snapshot(sim: Sim): Snapshot {
  const now = sim.clock.now();
  return {
    version: VERSION,
    savedAt: new Date().toISOString(),
    seed: sim.seed,
    clockOffsetMs: sim.clock.offset,
    customConnectionTenant: sim.customConnectionTenant,
    tenants: sim.tenantList().map((t) => ({
      id: t.id, name: t.name, shortCode: t.shortCode, createdMs: t.createdMs, seed: t.seed, country: t.profile.countryCode,
      contacts: t.contacts, invoices: t.invoices, nextInvoiceNumber: t.nextInvoiceNumber, nextBillNumber: t.nextBillNumber, mutationCounter: t.mutationCounter,
      counters: t.counters,
      records: Object.fromEntries(Object.entries(t.records).map(([name, st]) => [name, { list: st.list, deleted: st.deleted }])),
    })),
    clients: [...sim.clients.values()].filter((c) => !c.clientId.startsWith(DEMO_CLIENT_PREFIX)),
    grants: [...sim.grants.values()],
    // Expired access tokens and spent refresh tokens are not worth keeping.
    accessTokens: [...sim.accessTokens].filter(([, a]) => a.expMs > now),
    refreshTokens: [...sim.refreshTokens].filter(([, r]) => r.rotatedMs === undefined || now - r.rotatedMs <= sim.config.refreshGraceMs),
    connections: [...sim.connections.values()],
    webhooks: { url: sim.webhooks.url, key: sim.webhooks.key, active: sim.webhooks.active, sequence: sim.webhooks.sequence },
    signingKey: exportSigningKey(),
  };
}

/** Restores a snapshot file; returns false (and changes nothing) when missing or unreadable. */
export function restore(sim: Sim, file: string): boolean {
  let snap: Snapshot;
  try {
    snap = JSON.parse(readFileSync(file, "utf8")) as Snapshot;
  } catch {
    return false;
  }
  if (snap.version !== VERSION || !Array.isArray(snap.tenants)) return false;
  if (snap.signingKey?.pem) adoptSigningKey(snap.signingKey.kid, snap.signingKey.pem);
  sim.seed = snap.seed;
  sim.clock.advance(snap.clockOffsetMs - sim.clock.offset);
  sim.tenants.clear();
  for (const s of snap.tenants) {
    const { country, records, ...rest } = s;
    const t: Tenant = {
      ...rest,
      counters: s.counters ?? {},
      profile: PROFILES[country] ?? PROFILES.GB,
      invoiceById: new Map(s.invoices.map((i) => [i.id, i])),
      contactById: new Map(s.contacts.map((c) => [c.id, c])),
      invoiceIndex: null,
      contactIndex: null,
      records: {},
    };
    for (const inv of t.invoices) {
      inv.credited ??= 0;
      inv.credits ??= null;
    }
    for (const [name, st] of Object.entries(records ?? {})) t.records[name] = emptyStore(st.list, st.deleted);
    // Fixtures the file does not have yet get seeded; then cross references become shared objects again.
    const missing = ENTITIES.filter((e) => !t.records[e.name]);
    if (missing.length) seedEntities(t, {}, sim.clock.now(), missing);
    for (const e of ENTITIES) e.relink?.(t);
    sim.tenants.set(t.id, t);
  }
  sim.customConnectionTenant = snap.customConnectionTenant;
  for (const c of snap.clients as Parameters<Sim["registerClient"]>[0][]) sim.registerClient(c);
  for (const g of snap.grants as Sim["grants"] extends Map<string, infer G> ? G[] : never) sim.grants.set(g.id, g);
  for (const [k, v] of snap.accessTokens) sim.accessTokens.set(k, v as never);
  for (const [k, v] of snap.refreshTokens) sim.refreshTokens.set(k, v as never);
  for (const c of snap.connections as Sim["connections"] extends Map<string, infer C> ? C[] : never) sim.connections.set(c.id, c);
  Object.assign(sim.webhooks, snap.webhooks);
  return true;
}

/** Debounced, atomic writer. */
export class Persister {
  private timer: NodeJS.Timeout | null = null;
  constructor(
    private readonly sim: Sim,
    private readonly file: string,
    private readonly delayMs = 1000,
  ) {}

  markDirty(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush();
    }, this.delayMs);
    this.timer.unref();
  }

  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    try {
      mkdirSync(path.dirname(this.file), { recursive: true });
      const tmp = `${this.file}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(snapshot(this.sim)));
      renameSync(tmp, this.file);
    } catch (e) {
      console.error(`[xero-sim] could not save state to ${this.file}:`, e);
    }
  }
}
