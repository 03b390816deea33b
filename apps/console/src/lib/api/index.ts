export { apiCommand, apiRequest, buildApiUrl, encodePathSegment, type QueryParams, type RawBody } from "./api-client";
export {
  ApiError,
  CLIENT_ERROR_CODES,
  INVALID_CREDENTIALS_CODE,
  VALIDATION_ERROR_CODE,
  isApiError,
  isSessionExpired,
  toApiError,
} from "./api-error";
export { parseIssuePath, readValidationIssues, splitApiErrorByField, type FieldError } from "./field-errors";
export { describeApiError, useReportApiError } from "./use-report-api-error";
