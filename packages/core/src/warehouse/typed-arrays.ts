/** The typed arrays the in-memory warehouse structures grow as they fill. */
export type GrowableArray = Int32Array | Uint32Array | Float64Array | Uint8Array;

/**
 * A copy of `from` with room for `length` entries (by default twice as many): its values first, the
 * new entries set to `fill`. Doubling keeps the copies' total within twice the final size.
 */
export function grown<T extends GrowableArray>(from: T, length = from.length * 2, fill = 0): T {
  const to = new (from.constructor as new (n: number) => T)(length);
  to.set(from);
  if (fill !== 0) to.fill(fill, from.length);
  return to;
}
