import { grown, type CustomerVisitor, type EventSequences } from "../../warehouse";
import type { JourneyData, JourneyQuery } from "./attribution.warehouse";

/** Separates touches in a path string (the statement's); keys holding it are cut at it (it is not a printable character). */
export const SEPARATOR = "\u001f";

/** Queries whose touches the event sequences know: by channel or by touchpoint (event name). */
export function followsSequences(q: Pick<JourneyQuery, "dimension">): boolean {
  return q.dimension === "channel" || q.dimension === "touchpoint";
}

/**
 * The journeys of a period (readJourneys' definition, docs/modules/attribution.md) over the in-memory
 * event sequences, each customer's events already in time order: a touch belongs to the first
 * conversion at or after it when that conversion is at most `lookbackDays` later; the customer's
 * touches in the period that no conversion took make one journey that did not convert. Keys are
 * numbered (a channel's or an event name's number, then the key text's), paths grouped by their
 * numbers: no text per touch.
 */
export function journeysOverSequences(sequences: EventSequences, q: JourneyQuery): JourneyData {
  const DAY_US = 86_400_000_000;
  const fromUs = q.from.getTime() * 1000;
  const toUs = q.to.getTime() * 1000;
  const conversion = sequences.nameNumber(q.conversionEvent) ?? -2;
  // Each kind of event's key number: −2 a conversion, −1 not a touch; from its channel or its name.
  const keys: string[] = [];
  const keyIds = new Map<string, number>();
  const keyOf = (text: string | null): number => {
    if (text === null || text === "") return -1;
    const key = text.replaceAll(SEPARATOR, "");
    let id = keyIds.get(key);
    if (id === undefined) keyIds.set(key, (id = keys.push(key) - 1));
    return id;
  };
  const listed = new Set(q.touchpointEvents);
  const channelOf = sequences.kindValue("channel");
  const storeOf = sequences.kindValue("store_id");
  const store = q.storeId === null ? null : (sequences.valueNumber("store_id", q.storeId) ?? -2);
  const keyOfKind = new Int32Array(sequences.kinds);
  const atStore = new Uint8Array(sequences.kinds);
  for (let kind = 0; kind < sequences.kinds; kind++) {
    const name = sequences.kindName[kind]!;
    if (store === null || storeOf[kind] === store) atStore[kind] = 1;
    if (name === conversion) keyOfKind[kind] = -2;
    else if (q.dimension === "channel") keyOfKind[kind] = channelOf[kind]! < 0 ? -1 : keyOf(sequences.dimensionValue("channel", channelOf[kind]!));
    else {
      const text = sequences.eventName(name);
      keyOfKind[kind] = text !== null && listed.has(text) ? keyOf(text) : -1;
    }
  }
  const walker = new JourneyWalker(sequences, {
    fromUs,
    lookbackSeconds: q.lookbackDays * 86_400,
    halfLifeDays: q.halfLifeDays,
    keyOfKind,
    atStore,
    keyCount: keys.length,
  });
  sequences.forEachCustomer(fromUs - q.lookbackDays * DAY_US, toUs, walker);
  return walker.data(keys);
}

interface WalkSettings {
  fromUs: number;
  lookbackSeconds: number;
  halfLifeDays: number;
  /** By kind of event: its key number, −1 when it is not a touch, −2 when it is a conversion. */
  keyOfKind: Int32Array;
  /** By kind of event: 1 when at the report's store (every kind without one). */
  atStore: Uint8Array;
  keyCount: number;
}

/** One walk per customer; a class, so the sequences call the same `visit` each time (see CustomerVisitor). */
class JourneyWalker implements CustomerVisitor {
  private readonly groups = new PathGroups();
  private readonly decayConversions: Float64Array;
  private readonly decayValue: Float64Array;
  private readonly touchCount: Float64Array;
  private conversions = 0;
  private value = 0;
  // The customer's touches (index into the slice, key) and conversions (index), reused.
  private touchAt = new Int32Array(256);
  private touchKeys = new Int32Array(256);
  private convAt = new Int32Array(64);
  /** Each conversion's value, when it counts (in the period, at the store); NaN when it does not. */
  private convValue = new Float64Array(64);
  private weights = new Float64Array(256);
  private openKeys = new Int32Array(256);

  constructor(
    private readonly sequences: EventSequences,
    private readonly s: WalkSettings,
  ) {
    this.decayConversions = new Float64Array(s.keyCount);
    this.decayValue = new Float64Array(s.keyCount);
    this.touchCount = new Float64Array(s.keyCount);
  }

  visit(_profile: number, us: Float64Array, code: Int32Array, ordinal: Int32Array, a: number, b: number): void {
    const s = this.s;
    if (this.touchAt.length < b - a) {
      this.touchAt = new Int32Array(2 * (b - a));
      this.touchKeys = new Int32Array(2 * (b - a));
      this.weights = new Float64Array(2 * (b - a));
      this.openKeys = new Int32Array(2 * (b - a));
    }
    if (this.convAt.length < b - a) {
      this.convAt = new Int32Array(2 * (b - a));
      this.convValue = new Float64Array(2 * (b - a));
    }
    let touches = 0;
    let convs = 0;
    for (let x = a; x < b; x++) {
      const key = s.keyOfKind[code[x]!]!;
      if (key === -2) {
        this.convAt[convs++] = x;
        continue;
      }
      if (key < 0) continue;
      this.touchAt[touches] = x;
      this.touchKeys[touches++] = key;
    }
    // The conversions counted: in the period, at the store (their revenue looked up once: it is a random read).
    for (let i = 0; i < convs; i++) {
      const x = this.convAt[i]!;
      if (us[x]! >= s.fromUs && s.atStore[code[x]!] === 1) {
        const value = this.sequences.revenue(ordinal[x]!) ?? 0;
        this.convValue[i] = value;
        this.conversions++;
        this.value += value;
      } else this.convValue[i] = NaN;
    }
    if (touches === 0) return;
    let open = 0;
    let next = 0;
    let t = 0;
    while (t < touches) {
      const x = this.touchAt[t]!;
      const u = us[x]!;
      // The first conversion at or after the touch (a conversion at the same instant counts, whatever its seq).
      while (next < convs && us[this.convAt[next]!]! < u) next++;
      if (next === convs || us[this.convAt[next]!]! / 1e6 - u / 1e6 > s.lookbackSeconds) {
        if (u >= s.fromUs) this.openKeys[open++] = this.touchKeys[t]!;
        t++;
        continue;
      }
      // The touches this conversion takes: from here while the same conversion is the first at or after them.
      const cx = this.convAt[next]!;
      const cu = us[cx]!;
      const end = this.takenBy(us, t, touches, cu);
      const value = this.convValue[next]!;
      if (!Number.isNaN(value)) this.converted(us, t, end, cu, value);
      t = end;
    }
    if (open > 0) this.add(this.openKeys, 0, open, false, 0);
  }

  /** The end of the run of touches from `t` whose first conversion at or after is at `cu` and within the lookback. */
  private takenBy(us: Float64Array, t: number, touches: number, cu: number): number {
    let end = t;
    while (end < touches) {
      const u = us[this.touchAt[end]!]!;
      if (u > cu || cu / 1e6 - u / 1e6 > this.s.lookbackSeconds) break;
      end++;
    }
    return end;
  }

  private converted(us: Float64Array, t: number, end: number, cu: number, value: number): void {
    let sum = 0;
    for (let i = t; i < end; i++) {
      // As the statement: pow(0.5, (epoch(conv) − epoch(touch)) / 86400 / half-life).
      const w = Math.pow(0.5, (cu / 1e6 - us[this.touchAt[i]!]! / 1e6) / 86400.0 / this.s.halfLifeDays);
      this.weights[i] = w;
      sum += w;
    }
    for (let i = t; i < end; i++) {
      const key = this.touchKeys[i]!;
      this.decayConversions[key]! += this.weights[i]! / sum;
      this.decayValue[key]! += (value * this.weights[i]!) / sum;
      this.touchCount[key]!++;
    }
    this.add(this.touchKeys, t, end, true, value);
  }

  private add(keys: Int32Array, a: number, b: number, converted: boolean, value: number): void {
    const g = this.groups.of(keys, a, b);
    this.groups.count[g]!++;
    if (converted) {
      this.groups.conversions[g]!++;
      this.groups.value[g]! += value;
    }
  }

  data(keys: readonly string[]): JourneyData {
    const data: JourneyData = { journeys: [], timeDecay: new Map(), touches: new Map(), conversions: this.conversions, value: this.value };
    const groups = this.groups;
    for (let g = 0; g < groups.size; g++) {
      // A plain loop: Array.from with a mapping function over a typed array is several times slower (tens of ms for 57k paths).
      const numbers = groups.path(g);
      const path = new Array<string>(numbers.length);
      for (let i = 0; i < numbers.length; i++) path[i] = keys[numbers[i]!]!;
      data.journeys.push({ path, count: groups.count[g]!, conversions: groups.conversions[g]!, value: groups.value[g]! });
    }
    for (let k = 0; k < keys.length; k++) {
      if (this.touchCount[k] === 0) continue;
      data.timeDecay.set(keys[k]!, { conversions: this.decayConversions[k]!, value: this.decayValue[k]! });
      data.touches.set(keys[k]!, this.touchCount[k]!);
    }
    return data;
  }
}

/**
 * Journeys grouped by path (a list of key numbers): an open-addressing hash table over typed arrays,
 * the paths kept end to end in one pool — no string or array per journey.
 */
class PathGroups {
  size = 0;
  count = new Float64Array(1024);
  conversions = new Float64Array(1024);
  value = new Float64Array(1024);
  private start = new Int32Array(1025);
  private pool = new Int32Array(4096);
  /** Slot → group + 1 (0: empty); a power of two, at most half full. */
  private slots = new Int32Array(2048);
  private hashes = new Int32Array(1024);

  /** The group of the path keys[a … b), made when new. */
  of(keys: Int32Array, a: number, b: number): number {
    let h = 0x811c9dc5 ^ (b - a);
    for (let i = a; i < b; i++) h = Math.imul(h ^ keys[i]!, 0x01000193);
    const mask = this.slots.length - 1;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const g = this.slots[slot]! - 1;
      if (g < 0) {
        const made = this.make(keys, a, b, h);
        this.slots[slot] = made + 1;
        if (this.size * 2 > this.slots.length) this.rehash();
        return made;
      }
      if (this.hashes[g] === h && this.same(g, keys, a, b)) return g;
    }
  }

  path(g: number): Int32Array {
    return this.pool.subarray(this.start[g]!, this.start[g + 1]!);
  }

  private same(g: number, keys: Int32Array, a: number, b: number): boolean {
    const from = this.start[g]!;
    if (this.start[g + 1]! - from !== b - a) return false;
    for (let i = 0; i < b - a; i++) if (this.pool[from + i] !== keys[a + i]) return false;
    return true;
  }

  private make(keys: Int32Array, a: number, b: number, h: number): number {
    const g = this.size++;
    if (g === this.count.length) {
      this.count = grown(this.count);
      this.conversions = grown(this.conversions);
      this.value = grown(this.value);
      this.hashes = grown(this.hashes);
      this.start = grown(this.start, g * 2 + 1);
    }
    const from = this.start[g]!;
    while (from + (b - a) > this.pool.length) this.pool = grown(this.pool);
    this.pool.set(keys.subarray(a, b), from);
    this.start[g + 1] = from + (b - a);
    this.hashes[g] = h;
    return g;
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let g = 0; g < this.size; g++) {
      let slot = this.hashes[g]! & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = g + 1;
    }
    this.slots = slots;
  }
}
