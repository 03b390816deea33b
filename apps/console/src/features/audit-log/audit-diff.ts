type Snapshot = Readonly<Record<string, unknown>> | null;

/** Top-level fields whose value differs between the before and after snapshots of an entry. */
export function changedFields(before: Snapshot, after: Snapshot): string[] {
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  return [...keys]
    .filter((key) => JSON.stringify(before?.[key]) !== JSON.stringify(after?.[key]))
    .sort();
}

export function formatSnapshot(snapshot: Snapshot): string {
  return snapshot === null ? "—" : JSON.stringify(snapshot, null, 2);
}
