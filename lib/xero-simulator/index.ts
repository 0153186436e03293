/** The local Xero: `startSimulator()` plus the demo credentials. See README.md in this folder. */
export { startSimulator, type RunningSimulator, type SimulatorOptions } from "./server";
export { CONTROL_TOKEN_HEADER } from "./control";
export {
  DEMO_CLIENT_ID,
  DEMO_CLIENT_SECRET,
  DEMO_CC_CLIENT_ID,
  DEMO_CC_CLIENT_SECRET,
  DEMO_REDIRECT_URIS,
  DEFAULT_TENANTS,
  type RegisteredClient,
} from "./state";
export type { TenantSpec, Change } from "./data";
export type { FaultSpec, FaultKind } from "./faults";
export { holdTokenRequest, type TokenRequestHold } from "./identity";
export type { LimitConfig } from "./limits";
export { sign as signWebhookBody } from "./webhooks";
