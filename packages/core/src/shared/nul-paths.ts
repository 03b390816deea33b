/**
 * Where a JSON value holds the NUL character (U+0000), as dotted paths (array items by index), at most
 * `limit` of them: PostgreSQL's text cannot store it (a text column refuses it, a jsonb value refuses
 * its escape), so input carrying one is refused with these paths instead of failing in the store.
 * A key holding one is named by its parent's path and the key with the character shown as `\u0000`.
 */
export function nulPaths(value: unknown, limit = 5): string[] {
  const found: string[] = [];
  const walk = (v: unknown, path: string) => {
    if (found.length >= limit) return;
    if (typeof v === "string") {
      if (v.includes("\u0000")) found.push(path);
    } else if (Array.isArray(v)) {
      v.forEach((item, i) => walk(item, path ? `${path}.${i}` : String(i)));
    } else if (typeof v === "object" && v !== null) {
      for (const [key, item] of Object.entries(v)) {
        const at = path ? `${path}.${key}` : key;
        if (key.includes("\u0000")) {
          if (found.length < limit) found.push(at.replaceAll("\u0000", "\\u0000"));
        } else walk(item, at);
      }
    }
  };
  walk(value, "");
  return found;
}

/** The message each path is refused with. */
export const NUL_MESSAGE = "contains the NUL character (U+0000), which cannot be stored";
