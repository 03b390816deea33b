import { DomainError, defineErrors } from "@siyu/core";

/** Errors of the HTTP edge itself: credentials, request shape, limits. */
export const httpErrors = defineErrors({
  "auth.unauthenticated": 401,
  "auth.forbidden": 403,
  "auth.operator_only": 403,
  "request.invalid": 400,
  "request.malformed": 400,
  "request.not_found": 404,
  "request.too_large": 413,
  "request.unsupported_media_type": 415,
  "request.rate_limited": 429,
  internal: 500,
  unavailable: 503,
});

export { DomainError };
