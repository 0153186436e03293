/** Tenant-side storage of fixture records: list, by id, sorted index, hard deletes. */
import type { Tenant } from "../data";
import type { Change, EntityStore, SimRecord } from "./types";

export function emptyStore<R extends SimRecord>(list: R[] = [], deleted: R[] = []): EntityStore<R> {
  let byId: Map<string, R> | null = null;
  return {
    list,
    // Built on the first lookup, not at reset: a 100,000-invoice organisation has 200,000 journals,
    // and most answers walk the list instead.
    get byId() {
      if (!byId) {
        byId = new Map<string, R>();
        for (const r of list) byId.set(r.id.toLowerCase(), r);
      }
      return byId;
    },
    deleted,
    index: null,
  };
}

/** The organisation's records of one fixture (an empty store when it has none). */
export function store<R extends SimRecord>(t: Tenant, name: string): EntityStore<R> {
  let s = t.records[name];
  if (!s) {
    s = emptyStore();
    t.records[name] = s;
  }
  return s as unknown as EntityStore<R>;
}

export function addRecord<R extends SimRecord>(t: Tenant, name: string, rec: R): R {
  const s = store<R>(t, name);
  s.list.push(rec);
  s.byId.set(rec.id.toLowerCase(), rec);
  s.index = null;
  return rec;
}

/** Removes a record from every answer (items, unused accounts: Xero's hard delete). */
export function hardDelete<R extends SimRecord>(t: Tenant, name: string, rec: R): void {
  const s = store<R>(t, name);
  const i = s.list.indexOf(rec);
  if (i >= 0) s.list.splice(i, 1);
  s.byId.delete(rec.id.toLowerCase());
  s.deleted.push(rec);
  s.index = null;
}

export function byUpdated(a: SimRecord, b: SimRecord): number {
  return a.updatedMs - b.updatedMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Records sorted by (UpdatedDateUTC, id), cached until the next change. */
export function sortedIndex<R extends SimRecord>(t: Tenant, name: string): R[] {
  const s = store<R>(t, name);
  if (!s.index) s.index = [...s.list].sort(byUpdated);
  return s.index;
}

/** Forget cached sorts after changes (any entity named in `changes`). */
export function invalidate(t: Tenant, changes: Change[]): void {
  for (const c of changes) {
    if (c.entity === "invoices") t.invoiceIndex = null;
    else if (c.entity === "contacts") t.contactIndex = null;
    else {
      const s = t.records[c.entity];
      if (s) s.index = null;
    }
  }
}

export function change(entity: string, rec: SimRecord, kind: string, status: string, created = false): Change {
  return { entity, id: rec.id, kind, eventType: created ? "CREATE" : "UPDATE", status, updatedDateUtc: new Date(rec.updatedMs).toISOString() };
}
