import { CONTROL_TOKEN_HEADER } from "@/lib/xero-simulator";

/** Where a simulator answers and this run's control token (a RunningSimulator, or a child's announcement). */
export interface SimEndpoint {
  url: string;
  controlToken: string;
}

/** Calls a simulator control endpoint (/__sim/*) with the run's token and returns the parsed JSON. */
export async function simControl<T = unknown>(sim: SimEndpoint, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${sim.url}${path}`, {
    method,
    headers: { [CONTROL_TOKEN_HEADER]: sim.controlToken, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text.slice(0, 300)}`);
  return (text ? JSON.parse(text) : undefined) as T;
}
