/**
 * The simulator in its own process for the sync benchmark, so that serving pages does not share
 * the sync's event loop and its memory is not counted as the sync's. Prints one JSON line {url}.
 * Scenarios change its data with POST /__sim/reset and its limits with POST /__sim/limits.
 */
import { startSimulator } from "@/lib/xero-simulator";
import { BENCH_REDIRECT_URI } from "./sync-helpers";

const sim = await startSimulator({ port: 0, seed: 11, limits: false, tenants: [{ name: "Bench (NZ)", invoices: 100, contacts: 10 }], demoRedirectUris: [BENCH_REDIRECT_URI] });
process.stdout.write(`${JSON.stringify({ url: sim.url, controlToken: sim.controlToken })}\n`);
process.on("SIGTERM", () => void sim.close().then(() => process.exit(0)));
