/**
 * One error vocabulary for the whole app (after ai-chatbot's `ChatSDKError("type:surface")` and
 * dub's `handleApiError`). A code maps to an HTTP status and a message that is safe to show; the
 * cause is kept for the server log and never sent to a client.
 */

export const ERROR_STATUS = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  xero_unavailable: 502,
  database_unavailable: 503,
  internal: 500,
} as const;

export type ErrorType = keyof typeof ERROR_STATUS;

const DEFAULT_MESSAGES: Record<ErrorType, string> = {
  bad_request: "The request is not valid.",
  unauthorized: "You need to sign in first.",
  forbidden: "You do not have access to this.",
  not_found: "Not found.",
  conflict: "That conflicts with something already in progress.",
  rate_limited: "Xero's rate limit was reached; try again later.",
  xero_unavailable: "Xero did not answer as expected; try again shortly.",
  database_unavailable: "The database is not available.",
  internal: "Something went wrong on our side.",
};

export class AppError extends Error {
  readonly type: ErrorType;
  readonly status: number;
  /** Safe to show to the user and to return from the API. */
  readonly publicMessage: string;
  /** Extra safe details (e.g. validation issues by field). */
  readonly details?: unknown;
  /** Response headers the answer owes (WWW-Authenticate on a 401, Retry-After on a 429). */
  readonly headers?: Record<string, string>;

  constructor(type: ErrorType, message?: string, options?: { cause?: unknown; details?: unknown; headers?: Record<string, string> }) {
    const publicMessage = message ?? DEFAULT_MESSAGES[type];
    super(publicMessage, { cause: options?.cause });
    this.name = "AppError";
    this.type = type;
    this.status = ERROR_STATUS[type];
    this.publicMessage = publicMessage;
    this.details = options?.details;
    this.headers = options?.headers;
  }

  toJSON() {
    return { error: { code: this.type, message: this.publicMessage, ...(this.details !== undefined ? { details: this.details } : {}) } };
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

/** Any thrown value → an AppError; unknown errors become `internal` (their text is not exposed). */
export function toAppError(error: unknown): AppError {
  if (isAppError(error)) return error;
  if (error instanceof Error && error.name === "DatabaseUnavailableError") {
    return new AppError("database_unavailable", undefined, { cause: error });
  }
  return new AppError("internal", undefined, { cause: error });
}
