/**
 * The envelope scanner against JSON.parse itself: for random envelopes (members in random order,
 * strings full of quotes, backslashes, brackets and escapes, random whitespace) the records it
 * splits out parse to exactly JSON.parse's list; every truncation and a set of broken bodies are
 * errors.
 */
import { describe, expect, it } from "vitest";
import { MalformedJsonError, scanEnvelope } from "@/lib/sync/wire-json";
import { rng } from "@/lib/xero-simulator/prng";

const NASTY = ['"', "\\", "\\\\", '\\"', "{", "}", "[", "]", ",", ":", " ", "\n", "\u00e9", "\u2028", "/Date(1)/", "\u0001", "ok"];

function randomString(r: () => number): string {
  let s = "";
  const n = Math.floor(r() * 6);
  for (let i = 0; i < n; i++) s += NASTY[Math.floor(r() * NASTY.length)];
  return s;
}

function randomValue(r: () => number, depth: number): unknown {
  const k = Math.floor(r() * (depth > 3 ? 5 : 7));
  switch (k) {
    case 0:
      return randomString(r);
    case 1:
      return Math.round((r() - 0.5) * 1e6) / 100;
    case 2:
      return r() < 0.5;
    case 3:
      return null;
    case 4:
      return -Math.floor(r() * 1000);
    case 5:
      return Array.from({ length: Math.floor(r() * 4) }, () => randomValue(r, depth + 1));
    default:
      return Object.fromEntries(Array.from({ length: Math.floor(r() * 4) }, () => [randomString(r), randomValue(r, depth + 1)]));
  }
}

/** JSON with a random indentation (none, spaces or tabs) between tokens. */
function randomText(value: unknown, r: () => number): string {
  const indent = [0, 1, 2, "\t"][Math.floor(r() * 4)]!;
  return JSON.stringify(value, null, indent as number | string);
}

function randomEnvelope(r: () => number, key: string) {
  const records = Array.from({ length: Math.floor(r() * 6) }, () => ({ ID: randomString(r), Nested: randomValue(r, 1), Line: [{ A: randomString(r) }] }));
  const members: [string, unknown][] = [
    ["Id", randomString(r)],
    ["Status", "OK"],
    ["DateTimeUTC", "/Date(1700000000000)/"],
    ["pagination", { page: 1, pageSize: 1000, pageCount: 3, itemCount: 2001 }],
    ["Warnings", r() < 0.5 ? null : [randomString(r)]],
    [randomString(r) + "x", randomValue(r, 1)],
  ];
  members.splice(Math.floor(r() * (members.length + 1)), 0, [key, records]);
  return { text: randomText(Object.fromEntries(members), r), records };
}

describe("scanEnvelope", () => {
  it("splits exactly the records JSON.parse sees, for 500 random envelopes", () => {
    for (let seed = 1; seed <= 500; seed++) {
      const r = rng(seed);
      const { text } = randomEnvelope(r, "Invoices");
      const parsed = JSON.parse(text) as Record<string, unknown>;
      const scanned = scanEnvelope(text, "Invoices");
      expect(scanned.records.map((t) => JSON.parse(t) as unknown), `seed ${seed}`).toEqual(parsed.Invoices);
      for (const t of scanned.records) expect(t.startsWith("{") && t.endsWith("}")).toBe(true);
      const { Invoices: _, ...rest } = parsed;
      expect(scanned.members).toEqual(rest);
    }
  });

  it("every truncation of a page is an error, never a shorter page", () => {
    const r = rng(7);
    const { text } = randomEnvelope(r, "Contacts");
    for (let cut = 0; cut < text.trimEnd().length; cut++) {
      expect(() => scanEnvelope(text.slice(0, cut), "Contacts"), `cut at ${cut}`).toThrow(MalformedJsonError);
    }
  });

  it("rejects bodies that are not an envelope with the list", () => {
    const bad = [
      "",
      "   ",
      "<html><body>502 Bad Gateway</body></html>",
      "[]",
      "{}",
      '{"Invoices":{}}',
      '{"Invoices":null}',
      '{"Invoices":[1,2]}',
      '{"Invoices":[{"a":1}{"b":2}]}',
      '{"Invoices":[{"a":1},]}',
      '{"Invoices":[{"a":1}] "x":1}',
      '{"Invoices":[{"a":1}]}}',
      '{"Invoices":[{"a":1}]} trailing',
      '{"Status":OK,"Invoices":[]}',
      '{"Status":"OK" "Invoices":[]}',
      '{Invoices:[]}',
      '{"Invoices"[]}',
      '{"pagination":{"page":1],"Invoices":[]}',
    ];
    for (const body of bad) expect(() => scanEnvelope(body, "Invoices"), body).toThrow(MalformedJsonError);
  });

  it("like JSON.parse, a repeated member counts once, the last", () => {
    const text = '{"Invoices":[{"a":1}],"Status":"x","Invoices":[{"b":2},{"c":3}],"Status":"OK"}';
    const scanned = scanEnvelope(text, "Invoices");
    expect(scanned.records).toEqual(['{"b":2}', '{"c":3}']);
    expect(scanned.members).toEqual({ Status: "OK" });
  });

  it("keeps each record's text byte for byte (what the raw column stores)", () => {
    const text = '{ "Invoices" : [ {"Total": 10.50, "Name":"A \\"quoted\\" \\\\ name ]}"} ,\n{"Total":1.0} ] }';
    expect(scanEnvelope(text, "Invoices").records).toEqual(['{"Total": 10.50, "Name":"A \\"quoted\\" \\\\ name ]}"}', '{"Total":1.0}']);
  });
});
