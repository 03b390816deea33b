/**
 * Receives customers one at a time. An object with a method rather than a callback: a new closure per
 * call would be a new call target each time, and V8 would throw away the loop's optimised code.
 */
export interface CustomerVisitor {
  /** The customer's events in time order, then arrival, as [a, b) of `us` / `code`; valid during the call. */
  visit(profile: number, us: Float64Array, code: Int32Array, a: number, b: number): void;
}

/**
 * Events grouped by customer identifier, each identifier's events in one contiguous run in time order
 * (then arrival order): a compacted part, and a tail of the events appended since, in arrival order.
 * When the tail outgrows a sixteenth of the compacted part (and 64k events) it is merged in: one
 * counting sort by identifier, so each event is moved a bounded number of times. Reading customers
 * then walks memory in order — grouping 15M events by customer at query time instead scattered
 * writes over hundreds of megabytes and took seconds (bench/RESULTS.md, run 43).
 *
 * Events without an identifier stay in the tail until `anchor` gives them one.
 */
export class CustomerRuns {
  private tailSize = 0;
  private tailIdentifier = new Int32Array(1024);
  private tailUs = new Float64Array(1024);
  private tailCode = new Int32Array(1024);
  private tailOrdinal = new Int32Array(1024);
  private anchoredInTail = 0;
  /** runStart[id] … runStart[id + 1]: identifier id's run in the compacted arrays. */
  private runStart = new Int32Array(1);
  private us = new Float64Array(0);
  private code = new Int32Array(0);
  private ordinal = new Int32Array(0);
  private ordinals = 0;
  private scratch = { us: new Float64Array(1024), code: new Int32Array(1024), ordinal: new Int32Array(1024) };

  get size(): number {
    return this.us.length + this.tailSize;
  }

  /** Events in the tail, not yet merged into the runs. */
  get pending(): number {
    return this.tailSize;
  }

  /** Appends an event (identifier −1: none yet); returns its ordinal, which `anchor` takes. */
  append(identifier: number, us: number, code: number): number {
    if (this.tailSize === this.tailUs.length) this.growTail();
    const at = this.tailSize++;
    this.tailIdentifier[at] = identifier;
    this.tailUs[at] = us;
    this.tailCode[at] = code;
    this.tailOrdinal[at] = this.ordinals;
    if (identifier >= 0) this.anchoredInTail++;
    return this.ordinals++;
  }

  /** Gives the event of `ordinal`, appended without an identifier, its identifier. */
  anchor(ordinal: number, identifier: number): void {
    let lo = 0;
    let hi = this.tailSize - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const o = this.tailOrdinal[mid]!;
      if (o === ordinal) {
        if (this.tailIdentifier[mid] === -1 && identifier >= 0) this.anchoredInTail++;
        this.tailIdentifier[mid] = identifier;
        return;
      }
      if (o < ordinal) lo = mid + 1;
      else hi = mid - 1;
    }
  }

  /** Merges the tail's anchored events into the runs when the tail has grown enough. */
  compactIfDue(identifiers: number): void {
    if (this.anchoredInTail > Math.max(65_536, this.us.length / 16)) this.compact(identifiers);
  }

  /** Merges every anchored tail event into its identifier's run (identifier keys run 0 … identifiers − 1). */
  compact(identifiers: number): void {
    const oldRuns = this.runStart.length - 1;
    const start = new Int32Array(identifiers + 1);
    for (let id = 0; id < identifiers; id++) start[id + 1] = id < oldRuns ? this.runStart[id + 1]! - this.runStart[id]! : 0;
    for (let t = 0; t < this.tailSize; t++) {
      const id = this.tailIdentifier[t]!;
      if (id >= 0) start[id + 1]!++;
    }
    for (let id = 0; id < identifiers; id++) start[id + 1]! += start[id]!;
    const total = start[identifiers]!;
    const us = new Float64Array(total);
    const code = new Int32Array(total);
    const ordinal = new Int32Array(total);
    const fill = start.slice(0, identifiers);
    // Each old run whole, then the tail's events after it; then each run sorted by time and arrival.
    for (let id = 0; id < oldRuns; id++) {
      const a = this.runStart[id]!;
      const len = this.runStart[id + 1]! - a;
      us.set(this.us.subarray(a, a + len), fill[id]!);
      code.set(this.code.subarray(a, a + len), fill[id]!);
      ordinal.set(this.ordinal.subarray(a, a + len), fill[id]!);
      fill[id]! += len;
    }
    let kept = 0;
    for (let t = 0; t < this.tailSize; t++) {
      const id = this.tailIdentifier[t]!;
      if (id < 0) {
        this.tailIdentifier[kept] = -1;
        this.tailUs[kept] = this.tailUs[t]!;
        this.tailCode[kept] = this.tailCode[t]!;
        this.tailOrdinal[kept] = this.tailOrdinal[t]!;
        kept++;
        continue;
      }
      const at = fill[id]!++;
      us[at] = this.tailUs[t]!;
      code[at] = this.tailCode[t]!;
      ordinal[at] = this.tailOrdinal[t]!;
    }
    for (let id = 0; id < identifiers; id++) sortRun(us, code, ordinal, start[id]!, start[id + 1]!);
    Object.assign(this, { runStart: start, us, code, ordinal, tailSize: kept, anchoredInTail: 0 });
  }

  /**
   * Calls `visitor.visit` once per customer (profile) with events in [from, end), handing it their events in
   * time order (then arrival order) as the slice [a, b) of `us` / `code`; slices are only valid
   * during the call. A profile's events may sit under several identifiers and in the tail: those
   * are merged first.
   */
  forEachCustomer(
    profileOf: Int32Array,
    profiles: number,
    from: number,
    end: number,
    visitor: CustomerVisitor,
  ): void {
    const runs = this.runStart.length - 1;
    const profileAt = (id: number) => (id >= 0 && id < profileOf.length ? profileOf[id]! : -1);
    // How many sources (identifier runs, the tail) each profile's events come from.
    const sources = new Int32Array(profiles);
    for (let id = 0; id < runs; id++) {
      if (this.runStart[id + 1] === this.runStart[id]) continue;
      const p = profileAt(id);
      if (p >= 0) sources[p]!++;
    }
    const inTail = new Int32Array(profiles + 1);
    for (let t = 0; t < this.tailSize; t++) {
      const u = this.tailUs[t]!;
      if (u < from || u >= end) continue;
      const p = profileAt(this.tailIdentifier[t]!);
      if (p < 0) continue;
      if (inTail[p + 1]!++ === 0) sources[p]!++;
    }
    // Customers with one run: read in place.
    for (let id = 0; id < runs; id++) {
      let a = this.runStart[id]!;
      let b = this.runStart[id + 1]!;
      if (a === b) continue;
      const p = profileAt(id);
      if (p < 0 || sources[p] !== 1) continue;
      while (a < b && this.us[a]! < from) a++;
      while (b > a && this.us[b - 1]! >= end) b--;
      if (a < b) visitor.visit(p, this.us, this.code, a, b);
    }
    // Customers with several: their identifiers' runs and tail events, gathered and sorted.
    for (let p = 1; p <= profiles; p++) inTail[p]! += inTail[p - 1]!;
    const tailOf = new Int32Array(inTail[profiles]!);
    const tailFill = inTail.slice(0, profiles);
    for (let t = 0; t < this.tailSize; t++) {
      const u = this.tailUs[t]!;
      if (u < from || u >= end) continue;
      const p = profileAt(this.tailIdentifier[t]!);
      if (p >= 0) tailOf[tailFill[p]!++] = t;
    }
    // Each such profile's identifiers (a counting sort by profile).
    const idsAt = new Int32Array(profiles + 1);
    const several = (id: number) => {
      const p = profileAt(id);
      return p >= 0 && sources[p]! > 1 && this.runStart[id + 1] !== this.runStart[id] ? p : -1;
    };
    for (let id = 0; id < runs; id++) {
      const p = several(id);
      if (p >= 0) idsAt[p + 1]!++;
    }
    for (let p = 1; p <= profiles; p++) idsAt[p]! += idsAt[p - 1]!;
    const ids = new Int32Array(idsAt[profiles]!);
    const idsFill = idsAt.slice(0, profiles);
    for (let id = 0; id < runs; id++) {
      const p = several(id);
      if (p >= 0) ids[idsFill[p]!++] = id;
    }
    for (let p = 0; p < profiles; p++) {
      if (sources[p]! < 2 && inTail[p + 1] === inTail[p]) continue;
      let len = 0;
      for (let k = idsAt[p]!; k < idsAt[p + 1]!; k++) {
        const id = ids[k]!;
        for (let x = this.runStart[id]!; x < this.runStart[id + 1]!; x++) {
          const u = this.us[x]!;
          if (u >= from && u < end) len = this.gather(len, u, this.code[x]!, this.ordinal[x]!);
        }
      }
      for (let x = inTail[p]!; x < inTail[p + 1]!; x++) {
        const t = tailOf[x]!;
        len = this.gather(len, this.tailUs[t]!, this.tailCode[t]!, this.tailOrdinal[t]!);
      }
      if (len === 0) continue;
      const s = this.scratch;
      sortRun(s.us, s.code, s.ordinal, 0, len);
      visitor.visit(p, s.us, s.code, 0, len);
    }
  }

  private gather(len: number, us: number, code: number, ordinal: number): number {
    let s = this.scratch;
    if (len === s.us.length) {
      const grow = <T extends Float64Array | Int32Array>(from: T, to: T): T => (to.set(from as never), to);
      s = this.scratch = {
        us: grow(s.us, new Float64Array(len * 2)),
        code: grow(s.code, new Int32Array(len * 2)),
        ordinal: grow(s.ordinal, new Int32Array(len * 2)),
      };
    }
    s.us[len] = us;
    s.code[len] = code;
    s.ordinal[len] = ordinal;
    return len + 1;
  }

  private growTail(): void {
    const n = this.tailUs.length * 2;
    const grow = <T extends Float64Array | Int32Array>(from: T, to: T): T => (to.set(from as never), to);
    this.tailIdentifier = grow(this.tailIdentifier, new Int32Array(n));
    this.tailUs = grow(this.tailUs, new Float64Array(n));
    this.tailCode = grow(this.tailCode, new Int32Array(n));
    this.tailOrdinal = grow(this.tailOrdinal, new Int32Array(n));
  }
}

/** Sorts [a, b) by time, then ordinal (arrival); most runs already are. */
function sortRun(us: Float64Array, code: Int32Array, ordinal: Int32Array, a: number, b: number): void {
  let sorted = true;
  for (let x = a + 1; x < b && sorted; x++) {
    if (us[x]! < us[x - 1]! || (us[x] === us[x - 1] && ordinal[x]! < ordinal[x - 1]!)) sorted = false;
  }
  if (sorted) return;
  const before = (x: number, t: number, o: number) => us[x]! > t || (us[x] === t && ordinal[x]! > o);
  if (b - a <= 64) {
    // Insertion sort: stable, and linear on a nearly sorted run.
    for (let x = a + 1; x < b; x++) {
      const t = us[x]!;
      const c = code[x]!;
      const o = ordinal[x]!;
      let y = x - 1;
      while (y >= a && before(y, t, o)) {
        us[y + 1] = us[y]!;
        code[y + 1] = code[y]!;
        ordinal[y + 1] = ordinal[y]!;
        y--;
      }
      us[y + 1] = t;
      code[y + 1] = c;
      ordinal[y + 1] = o;
    }
    return;
  }
  const order = Array.from({ length: b - a }, (_, i) => a + i).sort((i, j) => us[i]! - us[j]! || ordinal[i]! - ordinal[j]!);
  const [u, c, o] = [order.map((i) => us[i]!), order.map((i) => code[i]!), order.map((i) => ordinal[i]!)];
  us.set(u, a);
  code.set(c, a);
  ordinal.set(o, a);
}
