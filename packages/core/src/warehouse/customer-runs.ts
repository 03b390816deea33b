import { grown } from "./typed-arrays";

/**
 * Receives customers one at a time. An object with a method rather than a callback: a new closure per
 * call would be a new call target each time, and V8 would throw away the loop's optimised code.
 */
export interface CustomerVisitor {
  /**
   * The customer's events in time order, then arrival, as [a, b) of `us` / `code` / `ordinal` (each
   * event's arrival number, from `append`); valid during the call.
   */
  visit(profile: number, us: Float64Array, code: Int32Array, ordinal: Int32Array, a: number, b: number): void;
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
  private layout: Layout | null = null;

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
  forEachCustomer(profileOf: Int32Array, profiles: number, from: number, end: number, visitor: CustomerVisitor): void {
    const layout = this.layoutFor(profileOf, profiles);
    // The tail's events in range, by profile (a counting sort).
    const inTail = new Int32Array(profiles + 1);
    let tailEvents = 0;
    for (let t = 0; t < this.tailSize; t++) {
      const u = this.tailUs[t]!;
      const id = this.tailIdentifier[t]!;
      if (u < from || u >= end || id < 0 || id >= profileOf.length) continue;
      const p = profileOf[id]!;
      if (p >= 0) {
        inTail[p + 1]!++;
        tailEvents++;
      }
    }
    for (let p = 1; p <= profiles; p++) inTail[p]! += inTail[p - 1]!;
    const tailOf = new Int32Array(tailEvents);
    if (tailEvents > 0) {
      const fill = inTail.slice(0, profiles);
      for (let t = 0; t < this.tailSize; t++) {
        const u = this.tailUs[t]!;
        const id = this.tailIdentifier[t]!;
        if (u < from || u >= end || id < 0 || id >= profileOf.length) continue;
        const p = profileOf[id]!;
        if (p >= 0) tailOf[fill[p]!++] = t;
      }
    }
    // Customers whose events are one run: read where they lie, in identifier order (memory order).
    const { single, runsOf, runIds } = layout;
    const { us, code, ordinal, runStart } = this;
    for (let id = 0; id < single.length; id++) {
      if (single[id] === 0) continue;
      const p = profileOf[id]!;
      if (tailEvents > 0 && inTail[p + 1] !== inTail[p]) continue;
      let a = runStart[id]!;
      let b = runStart[id + 1]!;
      while (a < b && us[a]! < from) a++;
      while (b > a && us[b - 1]! >= end) b--;
      if (a < b) visitor.visit(p, us, code, ordinal, a, b);
    }
    // The others — several runs, or events in the tail — gathered and sorted.
    for (let p = 0; p < profiles; p++) {
      const runs = runsOf[p + 1]! - runsOf[p]!;
      const tail = inTail[p + 1]! - inTail[p]!;
      if (tail === 0 && runs < 2) continue;
      let len = 0;
      for (let r = runsOf[p]!; r < runsOf[p + 1]!; r++) {
        const id = runIds[r]!;
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
      visitor.visit(p, s.us, s.code, s.ordinal, 0, len);
    }
  }

  /**
   * Which identifiers' runs are their profile's only one (`single`), and each profile's runs
   * (`runIds[runsOf[p] …]`): kept until the runs or the identifier → profile map change, so a query
   * reads them in order instead of looking up a million profiles at random.
   */
  private layoutFor(profileOf: Int32Array, profiles: number): Layout {
    const cached = this.layout;
    if (cached && cached.profileOf === profileOf && cached.runStart === this.runStart && cached.profiles === profiles) return cached;
    const runs = this.runStart.length - 1;
    const profileAt = (id: number) => (id < profileOf.length && this.runStart[id + 1] !== this.runStart[id] ? profileOf[id]! : -1);
    const runsOf = new Int32Array(profiles + 1);
    for (let id = 0; id < runs; id++) {
      const p = profileAt(id);
      if (p >= 0) runsOf[p + 1]!++;
    }
    const single = new Uint8Array(runs);
    for (let id = 0; id < runs; id++) {
      const p = profileAt(id);
      if (p >= 0 && runsOf[p + 1] === 1) single[id] = 1;
    }
    for (let p = 1; p <= profiles; p++) runsOf[p]! += runsOf[p - 1]!;
    const runIds = new Int32Array(runsOf[profiles]!);
    const fill = runsOf.slice(0, profiles);
    for (let id = 0; id < runs; id++) {
      const p = profileAt(id);
      if (p >= 0) runIds[fill[p]!++] = id;
    }
    this.layout = { profileOf, runStart: this.runStart, profiles, single, runsOf, runIds };
    return this.layout;
  }

  private gather(len: number, us: number, code: number, ordinal: number): number {
    let s = this.scratch;
    if (len === s.us.length) {
      s = this.scratch = { us: grown(s.us), code: grown(s.code), ordinal: grown(s.ordinal) };
    }
    s.us[len] = us;
    s.code[len] = code;
    s.ordinal[len] = ordinal;
    return len + 1;
  }

  private growTail(): void {
    this.tailIdentifier = grown(this.tailIdentifier);
    this.tailUs = grown(this.tailUs);
    this.tailCode = grown(this.tailCode);
    this.tailOrdinal = grown(this.tailOrdinal);
  }
}

interface Layout {
  readonly profileOf: Int32Array;
  readonly runStart: Int32Array;
  readonly profiles: number;
  readonly single: Uint8Array;
  readonly runsOf: Int32Array;
  readonly runIds: Int32Array;
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
