import os from "node:os";
import path from "node:path";

/** The e2e server's simulator control token (XERO_SIM_CONTROL_TOKEN), so specs can drive the simulator. */
export const E2E_SIM_CONTROL_TOKEN = "e2e-simulator-control-token";

/** Where the e2e server notes its database for specs (by app port: runs on other ports do not collide). */
export function e2eDatabaseFile(appPort: string): string {
  return path.join(os.tmpdir(), `xs-e2e-${appPort}.json`);
}
