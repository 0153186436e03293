/**
 * TrackingCategories with their Options. No UpdatedDateUTC on the record, so Xero ignores
 * If-Modified-Since and answers the whole list every time. Archived categories and archived options
 * come back only with includeArchived=true; a deleted option is gone from every answer (Xero deletes
 * unused options outright). An organisation has at most two active categories.
 */
import type { Tenant } from "../data";
import { type Rng, int, pick, uuid } from "../prng";
import { addRecord, change, store } from "./store";
import { defineEntity } from "./define";
import type { SimRecord } from "./types";

export interface TrackingOptionRec {
  id: string;
  name: string;
  status: "ACTIVE" | "ARCHIVED";
}

export interface TrackingCategoryRec extends SimRecord {
  name: string;
  status: "ACTIVE" | "ARCHIVED";
  options: TrackingOptionRec[];
  /** Options deleted in Xero: gone from the answers, kept for /__sim/state. */
  deletedOptions: TrackingOptionRec[];
}

const CATEGORIES: [string, string[], string[]][] = [
  ["Region", ["North", "South", "East", "West"], ["Central"]],
  ["Department", ["Sales", "Marketing", "Operations", "Administration"], ["Research"]],
];
const MORE_OPTIONS = ["Online", "Wholesale", "Retail", "Projects", "Export", "Events", "Support", "Training", "Hospitality", "Freight"];

/** Xero allows two active tracking categories per organisation. */
const MAX_ACTIVE = 2;

function option(r: Rng, name: string, status: TrackingOptionRec["status"] = "ACTIVE"): TrackingOptionRec {
  return { id: uuid(r), name, status };
}

function freshName(c: TrackingCategoryRec, r: Rng): string {
  const taken = new Set([...c.options, ...c.deletedOptions].map((o) => o.name));
  for (let tries = 0; tries < 20; tries++) {
    const n = pick(r, MORE_OPTIONS);
    if (!taken.has(n)) return n;
  }
  let k = 2;
  while (taken.has(`Option ${k}`)) k++;
  return `Option ${k}`;
}

function showOptions(c: TrackingCategoryRec, archived: boolean) {
  return c.options
    .filter((o) => archived || o.status === "ACTIVE")
    .map((o) => ({ TrackingOptionID: o.id, Name: o.name, Status: o.status }));
}

export const trackingCategories = defineEntity<TrackingCategoryRec>({
  name: "trackingCategories",
  endpoint: "TrackingCategories",
  scopes: ["accounting.settings", "accounting.settings.read"],
  paging: "unpaged",
  modifiedSince: false,
  defaultCount: () => CATEGORIES.length,
  generate(t, r, count) {
    const out: TrackingCategoryRec[] = [];
    for (let i = 0; i < count; i++) {
      const [name, active, archived] = CATEGORIES[i] ?? [`Project group ${i + 1}`, ["Alpha", "Beta", "Gamma"], []];
      out.push({
        id: uuid(r),
        name,
        // Beyond two, categories can only exist archived.
        status: i < MAX_ACTIVE ? "ACTIVE" : "ARCHIVED",
        options: [...active.map((n) => option(r, n)), ...archived.map((n) => option(r, n, "ARCHIVED"))],
        deletedOptions: [],
        updatedMs: t.createdMs,
      });
    }
    return out;
  },
  json(_t, rec, opts) {
    return { Name: rec.name, Status: rec.status, TrackingCategoryID: rec.id, Options: showOptions(rec, opts.single === true || opts.query?.bool("includeArchived") === true) };
  },
  fields: {
    trackingcategoryid: (_t, r) => r.id,
    name: (_t, r) => r.name,
    status: (_t, r) => r.status,
  },
  filters(q) {
    return q.bool("includeArchived") ? [] : [(r) => r.status === "ACTIVE"];
  },
  mutations: ["addOption", "renameOption", "archiveOption", "deleteOption", "rename", "archive", "unarchive"],
  mutate(t, r, kind, nowMs, touched) {
    const s = store<TrackingCategoryRec>(t, "trackingCategories");
    const active = s.list.filter((c) => c.status === "ACTIVE").length;
    const ok = (c: TrackingCategoryRec): boolean => {
      if (touched.has(c.id)) return false;
      if (kind === "unarchive") return c.status === "ARCHIVED" && active < MAX_ACTIVE;
      if (c.status !== "ACTIVE") return false;
      if (kind === "renameOption" || kind === "archiveOption" || kind === "deleteOption") return c.options.some((o) => o.status === "ACTIVE");
      return true;
    };
    const candidates = s.list.filter(ok);
    if (!candidates.length) {
      // A new category when there is room (Xero: "Add tracking category").
      if (kind !== "unarchive" && kind !== "archive" && active < MAX_ACTIVE && kind !== "rename") {
        const c = addRecord<TrackingCategoryRec>(t, "trackingCategories", { id: uuid(r), name: `Category ${int(r, 100, 999)}`, status: "ACTIVE", options: [option(r, "General")], deletedOptions: [], updatedMs: nowMs });
        touched.add(c.id);
        return [change("trackingCategories", c, "create", c.status, true)];
      }
      return [];
    }
    const c = pick(r, candidates);
    touched.add(c.id);
    const activeOptions = c.options.filter((o) => o.status === "ACTIVE");
    switch (kind) {
      case "addOption":
        c.options.push(option(r, freshName(c, r)));
        break;
      case "renameOption": {
        pick(r, activeOptions).name = freshName(c, r);
        break;
      }
      case "archiveOption":
        pick(r, activeOptions).status = "ARCHIVED";
        break;
      case "deleteOption": {
        const o = pick(r, activeOptions);
        c.options.splice(c.options.indexOf(o), 1);
        c.deletedOptions.push(o);
        break;
      }
      case "rename":
        c.name = `${c.name.replace(/ \d+$/, "")} ${int(r, 2, 99)}`;
        break;
      case "archive":
        c.status = "ARCHIVED";
        break;
      case "unarchive":
        c.status = "ACTIVE";
        break;
    }
    c.updatedMs = nowMs;
    return [change("trackingCategories", c, kind, c.status)];
  },
  state: (_t, c) => ({
    id: c.id,
    name: c.name,
    status: c.status,
    options: c.options.map((o) => ({ id: o.id, name: o.name, status: o.status })),
    deletedOptions: c.deletedOptions.map((o) => ({ id: o.id, name: o.name })),
    changedUtc: new Date(c.updatedMs).toISOString(),
  }),
});

/** The active tracking categories and their active options (what line items may carry). */
export function activeTracking(t: Tenant): TrackingCategoryRec[] {
  return store<TrackingCategoryRec>(t, "trackingCategories").list.filter((c) => c.status === "ACTIVE");
}
