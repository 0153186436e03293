/**
 * The chaos run in short (tests/chaos/chaos.ts; `npm run chaos` runs 200+ rounds): 24 seeded
 * rounds, two of each scenario (429 bursts, 5xx, dropped connections, answers cut short,
 * timeouts, expired tokens, revoked grants, edits between pages, bulk edits, SIGKILLed syncs),
 * and after every round the database equals the simulator. PostgreSQL only: the SIGKILL rounds
 * sync in a second process on the same database.
 */
import { describe, expect, it } from "vitest";
import { runChaos, SCENARIOS } from "@/tests/chaos/chaos";

describe("sync: chaos rounds", () => {
  it("24 rounds of faults, edits, revoked grants and SIGKILLs (seed 7): every round ends with the database equal to the simulator (PostgreSQL only: needs a second process on the same database)", { timeout: 180_000 }, async () => {
    const report = await runChaos({ rounds: 2 * SCENARIOS.length, seed: 7 });
    expect(report.failures).toEqual([]);
    expect(report).toMatchObject({ mismatches: 0, lostRecords: 0, staleRecords: 0, extraRecords: 0, unrecovered: 0 });
    expect(report.final.differences).toBe(0);
    // Every scenario ran, and the faults were really served, not only posted.
    for (const s of SCENARIOS) expect(report.scenarios[s], s).toBe(2);
    for (const kind of ["429-minute", "429-concurrent", "500", "503", "drop", "truncated-200", "delay", "token-expired", "token-revoked"]) {
      expect(report.faultsHit[kind] ?? 0, kind).toBeGreaterThan(0);
    }
    expect(report.kills.hit).toBeGreaterThan(0);
    expect(report.reconnects).toBeGreaterThan(0);
    expect(report.recoveries).toBeGreaterThan(0);
  });
});
