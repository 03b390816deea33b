import type { CustomerVisitor, EventSequences } from "../../warehouse";
import type { JourneyData, JourneyQuery } from "./attribution.warehouse";

/** Separates touches in a path (as the statement's); keys holding it are cut at it (it is not a printable character). */
const SEPARATOR = "\u001f";

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
  private readonly groups = new Map<string, { path: number[]; count: number; conversions: number; value: number }>();
  private readonly decayConversions: Float64Array;
  private readonly decayValue: Float64Array;
  private readonly touchCount: Float64Array;
  private conversions = 0;
  private value = 0;
  // The customer's touches (index into the slice, key) and conversions (index), reused.
  private touchAt = new Int32Array(256);
  private touchKeys = new Int32Array(256);
  private convAt = new Int32Array(64);
  private weights = new Float64Array(256);

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
    }
    if (this.convAt.length < b - a) this.convAt = new Int32Array(2 * (b - a));
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
    // The conversions counted: in the period, at the store.
    for (let i = 0; i < convs; i++) {
      const x = this.convAt[i]!;
      if (us[x]! >= s.fromUs && s.atStore[code[x]!] === 1) {
        this.conversions++;
        this.value += this.sequences.revenue(ordinal[x]!) ?? 0;
      }
    }
    if (touches === 0) return;
    const open: number[] = [];
    let next = 0;
    let t = 0;
    while (t < touches) {
      const x = this.touchAt[t]!;
      const u = us[x]!;
      // The first conversion at or after the touch (a conversion at the same instant counts, whatever its seq).
      while (next < convs && us[this.convAt[next]!]! < u) next++;
      if (next === convs || us[this.convAt[next]!]! / 1e6 - u / 1e6 > s.lookbackSeconds) {
        if (u >= s.fromUs) open.push(this.touchKeys[t]!);
        t++;
        continue;
      }
      // The touches this conversion takes: from here while the same conversion is the first at or after them.
      const cx = this.convAt[next]!;
      const cu = us[cx]!;
      const end = this.takenBy(us, t, touches, cu);
      if (cu >= s.fromUs && s.atStore[code[cx]!] === 1) this.converted(us, t, end, cu, this.sequences.revenue(ordinal[cx]!) ?? 0);
      t = end;
    }
    if (open.length > 0) this.add(open, false, 0);
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
    const path: number[] = [];
    let sum = 0;
    for (let i = t; i < end; i++) {
      path.push(this.touchKeys[i]!);
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
    this.add(path, true, value);
  }

  private add(path: number[], converted: boolean, value: number): void {
    const id = path.join(",");
    let group = this.groups.get(id);
    if (!group) this.groups.set(id, (group = { path, count: 0, conversions: 0, value: 0 }));
    group.count++;
    if (converted) {
      group.conversions++;
      group.value += value;
    }
  }

  data(keys: readonly string[]): JourneyData {
    const data: JourneyData = { journeys: [], timeDecay: new Map(), touches: new Map(), conversions: this.conversions, value: this.value };
    for (const g of this.groups.values()) data.journeys.push({ path: g.path.map((k) => keys[k]!), count: g.count, conversions: g.conversions, value: g.value });
    for (let k = 0; k < keys.length; k++) {
      if (this.touchCount[k] === 0) continue;
      data.timeDecay.set(keys[k]!, { conversions: this.decayConversions[k]!, value: this.decayValue[k]! });
      data.touches.set(keys[k]!, this.touchCount[k]!);
    }
    return data;
  }
}
