import { ErrorDto } from "@siyu/contracts";

/** Codes the console itself produces when there is no server answer to report. */
export const CLIENT_ERROR_CODES = {
  network: "client.network_unreachable",
  badResponse: "client.unexpected_response",
} as const;

export const VALIDATION_ERROR_CODE = "request.invalid";
export const INVALID_CREDENTIALS_CODE = "auth.invalid_credentials";

export class ApiError extends Error {
  override readonly name = "ApiError";

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

/** Turns any non-2xx answer into an ApiError, whether or not its body has the standard shape. */
export function toApiError(status: number, statusText: string, body: unknown): ApiError {
  const parsed = ErrorDto.safeParse(body);
  if (parsed.success) {
    const { code, message, details } = parsed.data.error;
    return new ApiError(status, code, message, details);
  }
  return new ApiError(status, `http.${status}`, statusText || `HTTP ${status}`);
}

/**
 * A 401 means "log in again" except when it answers a credential check (login, or the
 * current password in a password change), where the form shows the message instead.
 */
export function isSessionExpired(error: unknown): boolean {
  return isApiError(error) && error.status === 401 && error.code !== INVALID_CREDENTIALS_CODE;
}
