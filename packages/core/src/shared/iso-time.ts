/**
 * An instant as ISO 8601 text (what the API and the JSON parameters of batch statements carry), from a
 * Date or from the text a database returns. A batch's rows carry the same few instants over and over
 * (its `now`, the expiry that follows from it, the issue time of coupons issued together), and
 * `toISOString` costs more than a microsecond: each distinct instant is formatted once. An invalid
 * date throws, as `toISOString` does.
 */
export function isoTime(at: Date | string): string {
  const key = typeof at === "string" ? at : at.getTime();
  let iso = recent.get(key);
  if (iso === undefined) {
    iso = (typeof at === "string" ? new Date(at) : at).toISOString();
    if (recent.size >= RECENT_MAX) recent.clear();
    recent.set(key, iso);
  }
  return iso;
}

const recent = new Map<string | number, string>();
const RECENT_MAX = 1024;
