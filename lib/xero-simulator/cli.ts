/**
 * `npm run xero-sim -- --port 4010 --seed 42 [--no-limits] [--latency-ms 0] [--no-control] [--redirect-uri URL] [--connection-limit N]`
 * Starts the simulator in demo mode on 127.0.0.1 and prints how to point the app at it.
 */
import { DEMO_CC_CLIENT_ID, DEMO_CC_CLIENT_SECRET, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_REDIRECT_URIS, startSimulator } from "./index";

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0) return process.argv[i + 1];
  const eq = process.argv.find((a) => a.startsWith(`--${name}=`));
  return eq?.slice(name.length + 3);
}
const flag = (name: string) => process.argv.includes(`--${name}`);

const port = Number(arg("port") ?? 4010);
const seed = Number(arg("seed") ?? 42);
const redirect = arg("redirect-uri");
const latencyMs = Number(arg("latency-ms") ?? 0);
if (!Number.isInteger(latencyMs) || latencyMs < 0 || latencyMs > 600_000) {
  console.error("--latency-ms must be a whole number of milliseconds, 0..600000");
  process.exit(2);
}
const sim = await startSimulator({
  port,
  seed,
  host: arg("host") ?? "127.0.0.1",
  mode: "demo",
  control: !flag("no-control"),
  limits: { enabled: !flag("no-limits"), latencyMs },
  ...(arg("connection-limit") ? { connectionLimit: Number(arg("connection-limit")) } : {}),
  ...(redirect ? { demoRedirectUris: [redirect] } : {}),
});

const tenants = sim.sim.tenantList();
console.log(`Xero simulator listening on ${sim.url}  (seed ${seed}, limits ${sim.sim.limiter.config.enabled ? "on" : "off"}${latencyMs ? `, ${latencyMs} ms per API answer` : ""})

  XERO_IDENTITY_URL=${sim.url}
  XERO_API_URL=${sim.url}
  XERO_CLIENT_ID=${DEMO_CLIENT_ID}
  XERO_CLIENT_SECRET=${DEMO_CLIENT_SECRET}
  redirect URIs (exact): ${[...DEMO_REDIRECT_URIS, ...(redirect ? [redirect] : [])].join(", ")}

  Custom Connection: ${DEMO_CC_CLIENT_ID} / ${DEMO_CC_CLIENT_SECRET}
  Organisations: ${tenants.map((t) => `${t.name} [${t.id}] ${t.invoices.length} invoices`).join("; ")}
  Control endpoints: ${sim.url}/__sim/health with the header X-Sim-Control-Token: ${sim.controlToken}
    (a new token each run; see lib/xero-simulator/README.md)`);

const stop = () => void sim.close().then(() => process.exit(0));
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
