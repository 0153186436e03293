/**
 * Server-side error logging that never prints a secret. Causes are logged (name, message, status,
 * code, stack frames) after redacting anything shaped like a token, authorisation header, OAuth
 * code / state / verifier or client secret. Whole error objects are never printed: an HTTP
 * client's error carries its request headers (Authorization) and body (refresh_token).
 */

const SECRET_PATTERNS: [RegExp, string][] = [
  [/eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, "[jwt]"],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, "$1 [redacted]"],
  [
    /\b(code|state|nonce|code_verifier|code_challenge|refresh_token|access_token|id_token|client_secret|token|password)=([^&\s"']+)/gi,
    "$1=[redacted]",
  ],
  [/("(?:access_token|refresh_token|id_token|client_secret|code_verifier|code|state|nonce|token|password)"\s*:\s*)"[^"]*"/gi, '$1"[redacted]"'],
  [/(postgres(?:ql)?:\/\/[^:/@\s]+:)[^@\s]+@/gi, "$1***@"],
];

/** Removes secret-shaped substrings from a text meant for a log or an error column. */
export function redactSecrets(text: string): string {
  let out = text;
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** One line per error in the cause chain: `Name [status/code]: message`, redacted. */
export function describeForLog(error: unknown, depth = 0): string {
  if (depth > 4) return "";
  if (!(error instanceof Error)) return redactSecrets(String(error)).slice(0, 500);
  const e = error as Error & { status?: unknown; code?: unknown; type?: unknown; oauthError?: unknown; logMessage?: unknown };
  const tags = [e.type, e.status, e.code, e.oauthError].filter((v) => typeof v === "string" || typeof v === "number").join("/");
  const extra = typeof e.logMessage === "string" ? ` (${e.logMessage})` : "";
  const line = `${e.name}${tags ? ` [${tags}]` : ""}: ${(e.message ?? "").split("\n")[0]}${extra}`;
  const frames = (e.stack ?? "")
    .split("\n")
    .filter((l) => /^\s+at /.test(l))
    .slice(0, 4)
    .join("\n");
  const cause = e.cause !== undefined ? `\n  caused by ${describeForLog(e.cause, depth + 1)}` : "";
  return redactSecrets(`${line}${frames ? `\n${frames}` : ""}${cause}`);
}

export function logServerError(where: string, error: unknown): void {
  console.error(`[${where}] ${describeForLog(error)}`);
}
