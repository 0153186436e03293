/**
 * The simulator as `npm start` runs it in demo mode: demo organisations, rate limits on, the app's
 * callback URLs registered for the demo client.
 */
import { type RunningSimulator, startSimulator } from "./server";

export interface DemoSimulatorOptions {
  port: number;
  /** The app's data directory; the simulator keeps its state in `<dataDir>/xero-simulator.json`. */
  dataDir?: string;
  /** The app's OAuth callback URLs (added to the demo client's exact-match list). */
  redirectUris: string[];
  seed?: number;
  /** Change a few records every N ms so the demo shows incremental syncs and webhooks (0/absent: off). */
  activityEveryMs?: number;
  /** The token its /__sim/ control endpoints take (default: random per start), so a test driving the demo can use them. */
  controlToken?: string;
}

export async function startDemoSimulator(options: DemoSimulatorOptions): Promise<RunningSimulator> {
  return startSimulator({
    port: options.port,
    seed: options.seed ?? 42,
    mode: "demo",
    demoRedirectUris: options.redirectUris,
    ...(options.controlToken ? { controlToken: options.controlToken } : {}),
    ...(options.activityEveryMs ? { activity: { everyMs: options.activityEveryMs } } : {}),
    ...(options.dataDir ? { stateFile: `${options.dataDir.replace(/\/+$/, "")}/xero-simulator.json` } : {}),
  });
}
