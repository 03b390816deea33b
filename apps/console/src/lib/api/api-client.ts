import type { z } from "zod";
import { ApiError, CLIENT_ERROR_CODES, toApiError } from "./api-error";

type QueryValue = string | number | boolean | null | undefined;
export type QueryParams = Readonly<Record<string, QueryValue>>;

/** A body sent as it is (a file upload) instead of as JSON. */
export type RawBody = { data: Blob | string; contentType: string };

type RequestOptions = {
  method?: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  query?: QueryParams;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as it is, with its own content type; takes the place of `body`. */
  rawBody?: RawBody;
  signal?: AbortSignal;
};

/** Builds "/api/v1/…?a=1", leaving out empty parameters so that "no filter" is not "filter by ''". */
export function buildApiUrl(path: string, query?: QueryParams): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null || value === "") continue;
    params.set(key, String(value));
  }
  const search = params.toString();
  return `/api/v1${path}${search ? `?${search}` : ""}`;
}

export function encodePathSegment(value: string): string {
  return encodeURIComponent(value);
}

async function send(path: string, options: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { accept: "application/json" };
  let body: BodyInit | undefined;
  if (options.rawBody) {
    headers["content-type"] = options.rawBody.contentType;
    body = options.rawBody.data;
  } else if (options.body !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(options.body);
  }
  let response: Response;
  try {
    response = await fetch(buildApiUrl(path, options.query), {
      method: options.method ?? "GET",
      headers,
      body,
      credentials: "same-origin",
      signal: options.signal,
    });
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === "AbortError") throw cause;
    throw new ApiError(0, CLIENT_ERROR_CODES.network, "The Siyu server could not be reached");
  }
  if (!response.ok) {
    const body: unknown = await response.json().catch(() => null);
    throw toApiError(response.status, response.statusText, body);
  }
  return response;
}

/**
 * Calls the API and checks the answer against its contract schema, so a drift between
 * server and console shows up as one clear error instead of a broken page later.
 */
export async function apiRequest<S extends z.ZodType>(
  path: string,
  schema: S,
  options: RequestOptions = {},
): Promise<z.output<S>> {
  const response = await send(path, options);
  const body: unknown = await response.json().catch(() => undefined);
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const where = parsed.error.issues.map((i) => i.path.join(".") || "(root)").join(", ");
    console.error(`Unexpected response from ${path}`, parsed.error.issues);
    throw new ApiError(
      response.status,
      CLIENT_ERROR_CODES.badResponse,
      `Unexpected response from the server (${where})`,
    );
  }
  return parsed.data;
}

/** For endpoints that answer 204 No Content. */
export async function apiCommand(path: string, options: RequestOptions = {}): Promise<void> {
  await send(path, options);
}
