/**
 * Where the outgoing webhook may point. A URL the user types makes the server send requests, so
 * it must not reach what only the server can reach (SSRF): cloud metadata on link-local
 * addresses, services on private networks and loopback. Checked when the URL is saved (its
 * literal host) and again on every delivery, on the addresses the name resolves to then (a
 * name that later resolves to a private address is refused at connect time).
 */
import { BlockList, isIP } from "node:net";
import { z } from "zod";

const blocked = new BlockList();
for (const [net, bits] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const) {
  blocked.addSubnet(net, bits, "ipv4");
}
for (const [net, bits] of [
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
] as const) {
  blocked.addSubnet(net, bits, "ipv6");
}

const loopback = new BlockList();
loopback.addSubnet("127.0.0.0", 8, "ipv4");
loopback.addAddress("::1", "ipv6");

const LOCAL_NAMES = new Set(["localhost", "localhost.localdomain"]);

/** The address inside an IPv4-mapped IPv6 one (::ffff:10.0.0.1), which connects to the IPv4 address. */
function unmap(address: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return m ? m[1]! : address;
}

function family(address: string): "ipv4" | "ipv6" | null {
  const v = isIP(address);
  return v === 4 ? "ipv4" : v === 6 ? "ipv6" : null;
}

export function isLoopbackAddress(address: string): boolean {
  const a = unmap(address);
  const f = family(a);
  return f !== null && loopback.check(a, f);
}

/** True for private, loopback, link-local, multicast and reserved addresses. */
export function isBlockedAddress(address: string): boolean {
  const a = unmap(address);
  const f = family(a);
  return f === null || blocked.check(a, f);
}

/**
 * Whether a delivery may connect to `address`: never to a blocked one, except loopback when
 * `allowLocal` (the offline demo, where the receiver runs beside the app).
 */
export function mayConnectTo(address: string, allowLocal: boolean): boolean {
  if (allowLocal && isLoopbackAddress(address)) return true;
  return !isBlockedAddress(address);
}

const hostOf = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, "$1").toLowerCase();

/**
 * The webhook URL as the settings form accepts it: https, no credentials, and no literal
 * private address; in demo mode (`allowLocal`) also http to localhost / 127.0.0.1.
 */
export function webhookUrlSchema(allowLocal: boolean) {
  return z
    .string({ error: "Enter the URL of your receiver." })
    .trim()
    .min(1, "Enter the URL of your receiver.")
    .max(2000, "The URL is too long (2,000 characters at most).")
    .superRefine((value, ctx) => {
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        ctx.addIssue({ code: "custom", message: "Enter a full URL, such as https://hooks.example.com/xero-sync." });
        return;
      }
      const host = hostOf(url);
      const local = LOCAL_NAMES.has(host) || host.endsWith(".localhost") || isLoopbackAddress(host);
      if (url.username || url.password) {
        ctx.addIssue({ code: "custom", message: "A URL with a user name or password is not accepted: deliveries are signed instead." });
      } else if (url.protocol === "http:" && !(allowLocal && local)) {
        ctx.addIssue({
          code: "custom",
          message: allowLocal ? "The URL must start with https:// (http:// only to localhost or 127.0.0.1)." : "The URL must start with https://.",
        });
      } else if (url.protocol !== "https:" && url.protocol !== "http:") {
        ctx.addIssue({ code: "custom", message: "The URL must start with https://." });
      } else if (!(allowLocal && local) && (local || (family(host) !== null && isBlockedAddress(host)))) {
        ctx.addIssue({
          code: "custom",
          message: "That address is on a private, loopback or link-local network; deliveries go only to public addresses.",
        });
      }
    });
}
