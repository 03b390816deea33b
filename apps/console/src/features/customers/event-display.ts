/** What a timeline entry is called: the event name of a track call, else the call type. */
export function timelineEventName(item: { type: string; event: string | null }): string {
  if (item.type === "track" && item.event) return item.event;
  return item.event ?? item.type;
}

/** One property or trait value as text: strings as they are, the rest as compact JSON. */
export function formatValue(value: unknown, maxLength = 120): string {
  let text: string;
  if (value === null || value === undefined) text = "—";
  else if (typeof value === "string") text = value === "" ? '""' : value;
  else if (typeof value === "number" || typeof value === "boolean") text = String(value);
  else {
    try {
      text = JSON.stringify(value);
    } catch {
      text = String(value);
    }
  }
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
}

/**
 * The first few properties of an event as [name, value] pairs, for one line under it in the
 * timeline; the whole payload stays one click away. Says how many were left out.
 */
export function summariseProperties(
  properties: Readonly<Record<string, unknown>>,
  maxEntries = 6,
): { entries: [string, string][]; hidden: number } {
  const all = Object.entries(properties);
  return {
    entries: all.slice(0, maxEntries).map(([key, value]): [string, string] => [key, formatValue(value, 60)]),
    hidden: Math.max(0, all.length - maxEntries),
  };
}

/** Traits in a stable order: the well-known ones first, the rest alphabetically. */
export function sortTraits(traits: Readonly<Record<string, unknown>>): [string, unknown][] {
  const first = ["name", "firstName", "lastName", "phone", "email", "gender", "birthday", "city"];
  const rank = (key: string) => {
    const i = first.indexOf(key);
    return i === -1 ? first.length : i;
  };
  return Object.entries(traits).sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b));
}
