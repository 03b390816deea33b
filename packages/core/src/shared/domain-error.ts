/**
 * The base of every module's error. Each module declares its closed set of codes
 * with their HTTP status once (`<module>.errors.ts`); the HTTP edge maps them.
 */
export class DomainError<Code extends string = string> extends Error {
  constructor(
    readonly code: Code,
    message: string,
    readonly status: number,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "DomainError";
  }
}

/** Declares a module's error codes and returns a typed constructor for them. */
export function defineErrors<const Codes extends Record<string, number>>(codes: Codes) {
  return {
    codes,
    error(code: keyof Codes & string, message: string, details?: unknown): DomainError<keyof Codes & string> {
      return new DomainError(code, message, codes[code] as number, details);
    },
  };
}

/** A unique-index violation from either driver (directly, or wrapped by Drizzle as the cause). */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 3; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, constraint: name } = e as { code?: string; constraint?: string };
    if (code === "23505" && (!constraint || !name || name === constraint)) return true;
  }
  return false;
}
