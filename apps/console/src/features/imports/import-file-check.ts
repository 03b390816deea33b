import { isApiError } from "../../lib/api/api-error";

/** The server's upload limit (`imports.maxUploadBytes`, 50 MB by default): larger files are not sent at all. */
export const MAX_IMPORT_BYTES = 50 * 1024 * 1024;

/** The server records at most this many characters of the file name. */
const MAX_FILE_NAME_LENGTH = 200;

export type ImportFileProblem = { problem: "tooLarge"; maxMb: number } | { problem: "empty" };

/** What would make the upload pointless, checked before a byte is sent. */
export function checkImportFile(file: { size: number }): ImportFileProblem | null {
  if (file.size === 0) return { problem: "empty" };
  if (file.size > MAX_IMPORT_BYTES) return { problem: "tooLarge", maxMb: MAX_IMPORT_BYTES / 1024 / 1024 };
  return null;
}

/** The name sent as `?fileName=` for the audit entry, cut to what the server accepts. */
export function importFileNameParam(name: string): string | undefined {
  const trimmed = name.trim();
  return trimmed === "" ? undefined : trimmed.slice(0, MAX_FILE_NAME_LENGTH);
}

/**
 * A refused upload (400 unusable header, 415 wrong type): the server's message, and for a
 * missing column each column with why it is needed (`details: [{ path: "total", message }]`).
 */
export function describeImportFailure(error: unknown): { code: string | null; columns: { column: string; message: string }[] } {
  if (!isApiError(error)) return { code: null, columns: [] };
  const details: unknown[] = Array.isArray(error.details) ? error.details : [];
  const columns = details.flatMap((d) => {
    if (typeof d !== "object" || d === null) return [];
    const { path, message } = d as Record<string, unknown>;
    return typeof path === "string" && typeof message === "string" ? [{ column: path, message }] : [];
  });
  return { code: error.code, columns };
}
