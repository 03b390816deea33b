import type { Warehouse, WarehouseChunk, WarehouseTransaction } from "@siyu/storage";
import { ORDER_COMPLETED, ORDER_REFUNDED } from "../profiles";
import { CustomerRuns, type CustomerVisitor } from "./customer-runs";
import { SequenceOrders, type OrderRows } from "./sequence-orders";
import { grown } from "./typed-arrays";
import { UuidKeys } from "./uuid-keys";
import { WAREHOUSE_ANCHORS_OFFSET, WAREHOUSE_EVENTS_OFFSET } from "./warehouse-offsets";

/**
 * Each workspace's events in memory — the customer identifier, the time in epoch microseconds, the
 * event's kind (a number per distinct name, channel and store; one name number for every event
 * without a name: identify, page, screen …), its revenue when it has one — grouped by identifier,
 * each one's in time order (customer-runs.ts), with the identifier → profile map of the profile
 * snapshot; and the orders their order events make (sequence-orders.ts). Queries that follow each customer's events in order (the funnel, attribution's journeys)
 * or per customer (the dashboard's active days) read these instead of sorting or grouping millions of
 * warehouse rows per query: at 1M customers / 20M events the funnel's sort alone was 6.5 s of 15 s
 * (bench/RESULTS.md, runs 39, 43 and 44).
 *
 * A cache of the warehouse, never a source: before each use `eventSequences` brings it up to date, in
 * one read transaction (one snapshot) — the events after the last seq it holds, identifiers the
 * snapshot refresh filled in since (late anchors), the profile map when the snapshot changed — and
 * builds it again from nothing when the warehouse holds fewer or other rows than it (a workspace
 * deleted, rows below the last seq). About 24 bytes an event; built once per process and workspace
 * (22–35 s for 20M events on a 2-core machine), ≈ 20 ms per check after that.
 */
export interface EventSequences {
  /** Events held. */
  readonly size: number;
  /** Profile keys run 0 … profileCount − 1. */
  readonly profileCount: number;
  /**
   * Kinds of event run 0 … kinds − 1: each distinct (event name, channel, store) held has one, so a
   * loop over events reads one small number per event and looks its parts up in small tables
   * (`kindName`, `kindValue`) instead of reading columns by ordinal all over memory.
   */
  readonly kinds: number;
  /** Each kind's event name number. */
  readonly kindName: Int32Array;
  /** Each kind's value number of a kept column (−1: none). */
  kindValue(dimension: SequenceDimension): Int32Array;
  /** The number of an event name; undefined when no event held has it. */
  nameNumber(event: string): number | undefined;
  /** The name number of the events without a name; −1 while there are none. */
  readonly unnamed: number;
  /** The event name of a name number; null for the events without one. */
  eventName(name: number): string | null;
  profileId(profile: number): string;
  /** UUID order of two profile keys. */
  compareProfiles(a: number, b: number): number;
  /**
   * Each customer with events in [from, end) (epoch µs), once: their events in time order, then seq,
   * as the slice [a, b) of `us` (epoch µs), `code` (kinds) and `ordinal` (arrival numbers, for
   * `revenue`), valid during the call.
   */
  forEachCustomer(from: number, end: number, visitor: CustomerVisitor): void;
  /** The text of a kept column's value number. */
  dimensionValue(dimension: SequenceDimension, value: number): string;
  /** The number of a kept column's value; undefined when no event held has it. */
  valueNumber(dimension: SequenceDimension, value: string): number | undefined;
  /** The event's `revenue` (by ordinal); null when it has none. */
  revenue(ordinal: number): number | null;
  /** The orders with a completion before `endUs` (epoch µs), each with its customer's profile key. */
  orders(endUs: number): OrderRows;
}

/** Event columns kept per event, for breakdowns (the console's and the plans' usual ones). */
export const SEQUENCE_DIMENSIONS = ["channel", "store_id"] as const;
export type SequenceDimension = (typeof SEQUENCE_DIMENSIONS)[number];

/** Revenues' blocks: 2^6 = 64 ordinals each. */
const BLOCK_BITS = 6;

/**
 * The events' revenues, the few events that have one: ordinals in ascending order (they are pushed as
 * they come), their values, and where each block of 64 ordinals starts among them — a lookup
 * searches one block, a few entries on one or two cache lines (blocks of 1,024 took a fifth of the
 * attribution report's time in cache misses: bench/RESULTS.md, run 46).
 */
class Revenues {
  ordinals = new Int32Array(1024);
  values = new Float64Array(1024);
  size = 0;
  /** blockStart[k]: the first entry whose ordinal is ≥ k × 64; filled up to the last ordinal pushed. */
  private blockStart = new Int32Array(64);
  private blocks = 0;
  push(ordinal: number, value: number): void {
    if (this.size === this.ordinals.length) {
      this.ordinals = grown(this.ordinals);
      this.values = grown(this.values);
    }
    const block = ordinal >> BLOCK_BITS;
    while (this.blocks <= block) {
      if (this.blocks === this.blockStart.length) this.blockStart = grown(this.blockStart);
      this.blockStart[this.blocks++] = this.size;
    }
    this.ordinals[this.size] = ordinal;
    this.values[this.size++] = value;
  }
  of(ordinal: number): number | null {
    const block = ordinal >> BLOCK_BITS;
    if (block >= this.blocks) return null;
    let lo = this.blockStart[block]!;
    let hi = block + 1 < this.blocks ? this.blockStart[block + 1]! : this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ordinals[mid]! < ordinal) lo = mid + 1;
      else hi = mid;
    }
    return lo < this.size && this.ordinals[lo] === ordinal ? this.values[lo]! : null;
  }
}

/** A kept column's values and their numbers. */
class Dimension {
  readonly values: string[] = [];
  readonly index = new Map<string, number>();
  learn(value: string | null): number {
    if (value === null) return -1;
    let n = this.index.get(value);
    if (n === undefined) {
      n = this.values.push(value) - 1;
      this.index.set(value, n);
    }
    return n;
  }
}

/** The kinds of event: each distinct (name, value of each kept column) numbered, with its parts. */
class Kinds {
  name = new Int32Array(64);
  readonly values = SEQUENCE_DIMENSIONS.map(() => new Int32Array(64));
  size = 0;
  private readonly index = new Map<string, number>();
  of(name: number, values: readonly number[]): number {
    const key = `${name},${values.join(",")}`;
    let kind = this.index.get(key);
    if (kind === undefined) {
      kind = this.size++;
      if (kind === this.name.length) {
        this.name = grown(this.name);
        this.values.forEach((v, i) => (this.values[i] = grown(v)));
      }
      this.name[kind] = name;
      values.forEach((v, i) => (this.values[i]![kind!] = v));
      this.index.set(key, kind);
    }
    return kind;
  }
}

const NIL_UUID = "00000000-0000-0000-0000-000000000000";

class WorkspaceSequences implements EventSequences {
  private runs = new CustomerRuns();
  private profileOf = new Int32Array(0);
  private lastSeq = 0;
  /** The lowest seq held (Infinity: none). */
  private firstSeq = Infinity;
  /** Event names' numbers; null: the events without one. */
  private readonly names = new Map<string | null, number>();
  private readonly dimensions = Object.fromEntries(SEQUENCE_DIMENSIONS.map((d) => [d, new Dimension()])) as Record<SequenceDimension, Dimension>;
  private readonly kindsHeld = new Kinds();
  private identifiers = new UuidKeys();
  private profiles = new UuidKeys();
  private profilesPrint = "";
  private eventsPrint = "";
  private anchorsOffset = -1;
  /** Events held without an identifier: their seqs and ordinals, for the snapshot refresh to fill in. */
  private unanchored: { seq: number; ordinal: number }[] = [];
  private readonly revenues = new Revenues();
  private readonly ordersHeld = new SequenceOrders();

  constructor(private readonly workspaceId: string) {}

  get size(): number {
    return this.runs.size;
  }
  get profileCount(): number {
    return this.profiles.size;
  }
  get kinds(): number {
    return this.kindsHeld.size;
  }
  get kindName(): Int32Array {
    return this.kindsHeld.name;
  }
  kindValue(dimension: SequenceDimension): Int32Array {
    return this.kindsHeld.values[SEQUENCE_DIMENSIONS.indexOf(dimension)]!;
  }
  nameNumber(event: string): number | undefined {
    return this.names.get(event);
  }
  get unnamed(): number {
    return this.names.get(null) ?? -1;
  }
  eventName(name: number): string | null {
    for (const [text, n] of this.names) if (n === name) return text;
    return null;
  }
  profileId(profile: number): string {
    return this.profiles.uuidOf(profile);
  }
  compareProfiles(a: number, b: number): number {
    return this.profiles.compare(a, b);
  }
  forEachCustomer(from: number, end: number, visitor: CustomerVisitor): void {
    this.runs.forEachCustomer(this.profileOf, this.profiles.size, from, end, visitor);
  }
  dimensionValue(dimension: SequenceDimension, value: number): string {
    return this.dimensions[dimension].values[value]!;
  }
  valueNumber(dimension: SequenceDimension, value: string): number | undefined {
    return this.dimensions[dimension].index.get(value);
  }
  revenue(ordinal: number): number | null {
    return this.revenues.of(ordinal);
  }
  orders(endUs: number): OrderRows {
    return this.ordersHeld.rows(endUs, this.profileOf);
  }

  /** Brings the sequences up to date with one snapshot of the warehouse (the loader may append meanwhile). */
  sync(warehouse: Warehouse): Promise<void> {
    return warehouse.transaction((tx) => this.syncIn(tx));
  }

  private async syncIn(warehouse: WarehouseTransaction): Promise<void> {
    const ws = this.workspaceId;
    // Cheap first: the table's row count (kept by DuckDB) and the loader's offset change with every
    // append and delete; only then is the workspace's own count read.
    const [state] = await warehouse.query<{ total: number; loaded: number | null; anchors: number | null; pn: number; ph: string }>(
      `select (select count(*) from events)::double as total,
              (select position from _siyu_warehouse_offsets where consumer = $2)::double as loaded,
              (select position from _siyu_warehouse_offsets where consumer = $3)::double as anchors,
              (select count(*) from profile_identifiers where workspace_id = $1::uuid)::double as pn,
              (select coalesce(bit_xor(hash(identifier_id, profile_id)), 0) from profile_identifiers where workspace_id = $1::uuid)::varchar as ph`,
      [ws, WAREHOUSE_EVENTS_OFFSET, WAREHOUSE_ANCHORS_OFFSET],
    );
    const { total, loaded, pn, ph } = state!;
    const eventsPrint = `${total}:${loaded ?? 0}`;
    if (eventsPrint !== this.eventsPrint) {
      await this.readEvents(warehouse);
      this.eventsPrint = eventsPrint;
    }
    const anchors = state!.anchors ?? 0;
    if (anchors !== this.anchorsOffset && this.unanchored.length > 0) await this.readLateAnchors(warehouse);
    this.anchorsOffset = anchors;
    const print = `${pn}:${ph}`;
    if (print !== this.profilesPrint) {
      await this.readProfiles(warehouse);
      this.profilesPrint = print;
    } else if (this.profileOf.length < this.identifiers.size) {
      // Identifiers first seen in events since: the snapshot, unchanged, has no profile for them.
      this.profileOf = grown(this.profileOf, this.identifiers.size, -1);
    }
  }

  /** Takes in the workspace's events added since the last call; builds again when rows went or came below. */
  private async readEvents(warehouse: WarehouseTransaction): Promise<void> {
    const [state] = await warehouse.query<{ n: number; first: number; last: number }>(
      "select count(*)::double as n, coalesce(min(seq), 0)::double as first, coalesce(max(seq), 0)::double as last from events where workspace_id = $1::uuid",
      [this.workspaceId],
    );
    const { n, first, last } = state!;
    // Rows went (fewer, or the lowest held is gone: a workspace's rows deleted and others loaded since).
    if (n < this.size || (this.size > 0 && first !== this.firstSeq) || (n > this.size && last <= this.lastSeq)) this.reset();
    if (n > this.size) {
      await this.readAfter(warehouse, this.lastSeq);
      if (this.size !== n) {
        // Rows came in below the last seq held (not the loader's way): read everything again.
        this.reset();
        await this.readAfter(warehouse, 0);
      }
    }
  }

  private reset(): void {
    Object.assign(this, new WorkspaceSequences(this.workspaceId));
  }

  /** Appends the events after seq `after`, in seq order. */
  private async readAfter(warehouse: WarehouseTransaction, after: number): Promise<void> {
    await this.learnKinds(warehouse, after);
    // A plain scan returns the rows as appended, which is seq order for the loader's appends; any other
    // order is put right by reading everything again, sorted.
    if (!(await this.scanEvents(warehouse, after, false))) {
      this.reset();
      await this.learnKinds(warehouse, 0);
      await this.scanEvents(warehouse, 0, true);
    }
    await warehouse.run("drop table if exists _siyu_sequence_kinds");
    this.runs.compactIfDue(this.identifiers.size);
  }

  /**
   * Numbers the kinds of event (name, channel, store) after seq `after`, their names and values
   * first seen among them, into a temporary table the scan joins to: no text crosses over per row.
   */
  private async learnKinds(warehouse: WarehouseTransaction, after: number): Promise<void> {
    const columns = ["event", ...SEQUENCE_DIMENSIONS];
    const combos = await warehouse.query<Record<string, string | null>>(
      `select distinct ${columns.join(", ")} from events where workspace_id = $1::uuid and seq > $2::bigint`,
      [this.workspaceId, String(after)],
    );
    await warehouse.run(`create or replace temp table _siyu_sequence_kinds (${columns.map((c) => `${c} varchar`).join(", ")}, kind integer)`);
    const rows = combos.map((combo) => {
      const event = combo.event ?? null;
      if (!this.names.has(event)) this.names.set(event, this.names.size);
      const values = SEQUENCE_DIMENSIONS.map((d) => this.dimensions[d].learn(combo[d] ?? null));
      return [...columns.map((c) => combo[c] ?? null), this.kindsHeld.of(this.names.get(event)!, values)];
    });
    // In statements of a few hundred rows: a parameter list stays short whatever the number of kinds.
    for (let i = 0; i < rows.length; i += 500) {
      const part = rows.slice(i, i + 500);
      const params: (string | number | null)[] = [];
      const tuples = part.map((row) => `(${row.map((v) => `$${params.push(v)}`).join(", ")})`);
      await warehouse.run(`insert into _siyu_sequence_kinds values ${tuples.join(", ")}`, params);
    }
  }

  /** Appends the events after seq `after`; false (and stops taking rows) when their seqs were out of order. */
  private async scanEvents(warehouse: WarehouseTransaction, after: number, ordered: boolean): Promise<boolean> {
    const joins = ["event", ...SEQUENCE_DIMENSIONS].map((c) => `k.${c} is not distinct from e.${c}`).join(" and ");
    const words = new Uint32Array(4);
    let inOrder = true;
    const completion = this.names.get(ORDER_COMPLETED) ?? -2;
    const refund = this.names.get(ORDER_REFUNDED) ?? -2;
    const kindName = this.kindsHeld.name;
    const storeOf = this.kindValue("store_id");
    await warehouse.scan(
      `select coalesce(e.identifier_id, '${NIL_UUID}'::uuid), epoch_us(e.ts)::double, k.kind, e.seq::double, e.revenue::double, e.order_id
       from events e join _siyu_sequence_kinds k on ${joins}
       where e.workspace_id = $1::uuid and e.seq > $2::bigint${ordered ? " order by e.seq" : ""}`,
      [this.workspaceId, String(after)],
      (chunk: WarehouseChunk) => {
        for (let r = 0; r < chunk.rowCount && inOrder; r++) {
          const seq = chunk.number(3, r)!;
          if (seq <= this.lastSeq) {
            inOrder = false;
            return;
          }
          this.lastSeq = seq;
          if (seq < this.firstSeq) this.firstSeq = seq;
          chunk.uuidWords(0, r, words, 0);
          const anchored = (words[0]! | words[1]! | words[2]! | words[3]!) !== 0;
          const identifier = anchored ? this.identifiers.keyOf(words) : -1;
          const us = chunk.number(1, r)!;
          const kind = chunk.number(2, r)!;
          const ordinal = this.runs.append(identifier, us, kind);
          const revenue = chunk.number(4, r);
          if (revenue !== null) this.revenues.push(ordinal, revenue);
          if (!anchored) this.unanchored.push({ seq, ordinal });
          const name = kindName[kind]!;
          if (name === completion || name === refund) {
            const orderId = chunk.text(5, r);
            if (orderId === null) continue;
            if (name === completion) this.ordersHeld.completed(orderId, identifier, us, storeOf[kind]!, revenue, ordinal);
            else this.ordersHeld.refunded(orderId, revenue);
          }
        }
      },
    );
    return inOrder;
  }

  private async readLateAnchors(warehouse: WarehouseTransaction): Promise<void> {
    const bySeq = new Map(this.unanchored.map((u) => [u.seq, u]));
    const words = new Uint32Array(4);
    await warehouse.scan(
      `select e.identifier_id, e.seq::double from events e
       where e.workspace_id = $1::uuid and e.identifier_id is not null and e.seq in (select unnest(string_split($2, ','))::bigint)`,
      [this.workspaceId, this.unanchored.map((u) => u.seq).join(",")],
      (chunk) => {
        for (let r = 0; r < chunk.rowCount; r++) {
          const event = bySeq.get(chunk.number(1, r)!);
          if (event === undefined) continue;
          chunk.uuidWords(0, r, words, 0);
          const identifier = this.identifiers.keyOf(words);
          this.runs.anchor(event.ordinal, identifier);
          this.ordersHeld.anchor(event.ordinal, identifier);
          bySeq.delete(event.seq);
        }
      },
    );
    this.unanchored = [...bySeq.values()];
    this.runs.compactIfDue(this.identifiers.size);
  }

  private async readProfiles(warehouse: WarehouseTransaction): Promise<void> {
    const pairs: number[] = [];
    const words = new Uint32Array(4);
    this.profiles = new UuidKeys();
    await warehouse.scan(
      "select identifier_id, profile_id from profile_identifiers where workspace_id = $1::uuid",
      [this.workspaceId],
      (chunk) => {
        for (let r = 0; r < chunk.rowCount; r++) {
          chunk.uuidWords(0, r, words, 0);
          const identifier = this.identifiers.keyOf(words);
          chunk.uuidWords(1, r, words, 0);
          pairs.push(identifier, this.profiles.keyOf(words));
        }
      },
    );
    this.profileOf = new Int32Array(this.identifiers.size).fill(-1);
    for (let i = 0; i < pairs.length; i += 2) this.profileOf[pairs[i]!] = pairs[i + 1]!;
  }
}

const held = new WeakMap<Warehouse, Map<string, { sequences: WorkspaceSequences; tail: Promise<unknown> }>>();

/**
 * The workspace's event sequences, brought up to date with the warehouse. Calls for one workspace run
 * one after another; the result is only read (synchronously) before the next call may change it.
 */
export function eventSequences(warehouse: Warehouse, workspaceId: string): Promise<EventSequences> {
  let workspaces = held.get(warehouse);
  if (!workspaces) held.set(warehouse, (workspaces = new Map()));
  let entry = workspaces.get(workspaceId);
  if (!entry) workspaces.set(workspaceId, (entry = { sequences: new WorkspaceSequences(workspaceId), tail: Promise.resolve() }));
  const { sequences } = entry;
  const next = entry.tail.then(() => sequences.sync(warehouse)).then(() => sequences as EventSequences);
  entry.tail = next.catch(() => undefined);
  return next;
}
