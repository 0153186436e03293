/** The consent page a person sees in the demo: who signs in, which organisations, Allow / Cancel. */
import { escapeHtml as e } from "./http";
import type { RegisteredClient, Sim } from "./state";

const CSS = `
*{box-sizing:border-box}body{margin:0;font:15px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;background:#f2f4f7;color:#1e3145}
header{background:#13b5ea;color:#fff;padding:14px 24px;display:flex;align-items:center;gap:10px;font-weight:600;font-size:18px}
.logo{width:34px;height:34px;border-radius:50%;background:#fff;color:#13b5ea;display:grid;place-items:center;font-weight:800;font-size:17px}
.sim{margin-left:auto;font-size:12px;font-weight:500;background:rgba(0,0,0,.15);padding:3px 10px;border-radius:12px}
main{max-width:520px;margin:40px auto;background:#fff;border-radius:10px;box-shadow:0 2px 10px rgba(30,49,69,.12);padding:28px 32px}
h1{font-size:21px;margin:0 0 6px}p.lead{margin:0 0 20px;color:#556677}
fieldset{border:1px solid #dde3ea;border-radius:8px;margin:0 0 18px;padding:12px 16px}legend{font-weight:600;padding:0 6px}
label{display:flex;gap:10px;align-items:center;padding:6px 0;cursor:pointer}small{color:#6b7c8f}
ul.scopes{margin:0 0 18px;padding-left:20px;color:#3b4f63}
.err{background:#fdecea;color:#a4262c;border-radius:6px;padding:8px 12px;margin-bottom:16px}
.actions{display:flex;gap:12px;justify-content:flex-end}
button{font:inherit;border-radius:6px;padding:9px 22px;cursor:pointer;border:1px solid #c4ced8;background:#fff;color:#1e3145}
button.allow{background:#0078c8;border-color:#0078c8;color:#fff;font-weight:600}button:focus{outline:3px solid #9fd9f5}
`;

const SCOPE_TEXT: Record<string, string> = {
  openid: "Verify your identity",
  profile: "View your name",
  email: "View your email address",
  offline_access: "Keep access when you are not using the app",
  "accounting.transactions": "View and manage your business transactions",
  "accounting.transactions.read": "View your business transactions",
  "accounting.invoices": "View and manage your invoices",
  "accounting.invoices.read": "View your invoices",
  "accounting.contacts": "View and manage your contacts",
  "accounting.contacts.read": "View your contacts",
  "accounting.settings": "View and manage your organisation settings",
  "accounting.settings.read": "View your organisation settings",
};

function shell(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${e(title)}</title><style>${CSS}</style></head><body><header><span class="logo" aria-hidden="true">x</span>Xero<span class="sim">Simulator</span></header><main>${body}</main></body></html>`;
}

export function errorPage(error: string, description: string): string {
  return shell("Authorization error", `<h1>Something went wrong</h1><p class="lead">${e(description)}</p><p><small>Error code: ${e(error)}</small></p>`);
}

/** Keeps every original authorize parameter so the POST can re-validate the request. */
export function consentPage(sim: Sim, params: URLSearchParams, client: RegisteredClient, scopes: string[], withTenants: boolean, error?: string): string {
  const keep = ["response_type", "client_id", "redirect_uri", "scope", "state", "nonce", "code_challenge", "code_challenge_method", "response_mode"];
  const hidden = keep
    .filter((k) => params.get(k) !== null)
    .map((k) => `<input type="hidden" name="${k}" value="${e(params.get(k) ?? "")}">`)
    .join("");
  const chosenUser = params.get("user") ?? sim.users[0]?.xeroUserId;
  const chosenTenants = new Set(params.getAll("tenant"));
  const users = sim.users
    .map((u) => `<label><input type="radio" name="user" value="${e(u.xeroUserId)}"${u.xeroUserId === chosenUser ? " checked" : ""}> <span>${e(u.givenName)} ${e(u.familyName)}<br><small>${e(u.email)}</small></span></label>`)
    .join("");
  // At the app's connection cap, as Xero does, only organisations already connected to the app can be picked.
  const limit = sim.config.connectionLimit;
  const connected = sim.connectedTenantIds(client.clientId);
  const full = limit !== null && connected.size >= limit;
  const tenants = withTenants
    ? `<fieldset><legend>Organisations to connect</legend>${
        full
          ? `<div class="err" role="status"><p>${e(client.name)} has reached its limit of ${limit} connected organisations: only those already connected can be chosen.</p><button type="submit" name="action" value="limit">Back to ${e(client.name)}</button></div>`
          : ""
      }${sim
        .tenantList()
        .map((t) => {
          const off = full && !connected.has(t.id);
          const on = !off && (chosenTenants.size === 0 || chosenTenants.has(t.id));
          return `<label><input type="checkbox" name="tenant" value="${e(t.id)}"${on ? " checked" : ""}${off ? " disabled" : ""}> <span>${e(t.name)}<br><small>${e(t.profile.baseCurrency)} · ${e(t.shortCode)}</small></span></label>`;
        })
        .join("")}</fieldset>`
    : "";
  const scopeList = scopes.map((s) => `<li>${e(SCOPE_TEXT[s] ?? s)}</li>`).join("");
  return shell(
    `${client.name} wants access to Xero`,
    `<h1>${e(client.name)} wants to connect</h1><p class="lead">It is asking to:</p><ul class="scopes">${scopeList}</ul>
${error ? `<div class="err" role="alert">${e(error)}</div>` : ""}
<form method="post" action="/identity/connect/authorize">${hidden}
<fieldset><legend>Sign in as</legend>${users}</fieldset>${tenants}
<div class="actions"><button type="submit" name="action" value="cancel">Cancel</button><button class="allow" type="submit" name="action" value="allow">Allow access</button></div></form>`,
  );
}
