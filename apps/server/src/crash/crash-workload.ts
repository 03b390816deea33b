/**
 * The crash test's workload: a seeded stream of Segment batches for a known set of
 * people (identifies with phones, tracks, pages, orders, refunds, deliberate
 * duplicates), and the profile numbers those people must end up with, recomputed
 * from the events the log holds.
 */

export type Rng = () => number;

/** mulberry32: small, fast and seedable, so a failing run can be replayed. */
export function seededRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomInt(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1));
}

function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)]!;
}

const SURNAMES = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭"];
const GIVEN = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超", "霞", "平"];
const PRODUCTS = ["杨枝甘露", "芝芝莓莓", "多肉葡萄", "烤黑糖波波牛乳", "满杯红柚", "椰椰芒芒", "生打椰椰", "茉莉奶绿"];

export interface Person {
  index: number;
  userId: string;
  anonymousId: string;
  /** As the client sends it (national format); the store keeps E.164. */
  phone: string;
  e164: string;
  name: string;
}

export type Message = Record<string, unknown> & { messageId: string; type: string };

export function makePeople(rng: Rng, count: number, runId: string): Person[] {
  return Array.from({ length: count }, (_, index) => {
    const local = `138${String(10_000_000 + index * 7919 + randomInt(rng, 0, 7000)).slice(-8)}`;
    return {
      index,
      userId: `crash-${runId}-u${index}`,
      anonymousId: `crash-${runId}-a${index}`,
      phone: local,
      e164: `+86${local}`,
      name: pick(rng, SURNAMES) + pick(rng, GIVEN),
    };
  });
}

interface PlacedOrder {
  orderId: string;
  person: Person;
}

/**
 * Builds batches one at a time. Refunds and deliberate duplicates only refer to
 * messages of batches already acknowledged, so they are in the log before the
 * messages that depend on them, whatever the retries.
 */
export class BatchFactory {
  private sequence = 0;
  private orders = 0;
  private readonly acknowledged: Message[] = [];
  private readonly acknowledgedIds = new Set<string>();
  private readonly refundable: PlacedOrder[] = [];
  private readonly identified = new Set<number>();
  /** Duplicates put in on purpose: copies of acknowledged messages and repeats inside one batch. */
  deliberateDuplicates = 0;

  constructor(
    private readonly rng: Rng,
    private readonly people: readonly Person[],
    private readonly runId: string,
  ) {}

  next(size: number): Message[] {
    const batch: Message[] = [];
    for (let i = 0; i < size; i++) batch.push(this.message());
    if (this.acknowledged.length > 0 && this.rng() < 0.3) {
      for (let i = randomInt(this.rng, 1, 3); i > 0; i--) {
        batch.push(pick(this.rng, this.acknowledged));
        this.deliberateDuplicates += 1;
      }
    }
    if (this.rng() < 0.1) {
      batch.push(batch[0]!);
      this.deliberateDuplicates += 1;
    }
    return batch;
  }

  /** Identifies everyone not yet identified, so every person's anonymous activity joins their profile. */
  closing(): Message[] {
    return this.people.filter((p) => !this.identified.has(p.index)).map((p) => this.identify(p));
  }

  acknowledge(batch: readonly Message[]): void {
    for (const message of batch) {
      if (this.acknowledgedIds.has(message.messageId)) continue;
      this.acknowledgedIds.add(message.messageId);
      this.acknowledged.push(message);
      const props = message.properties as { order_id?: string } | undefined;
      if (message.event === "Order Completed" && props?.order_id) {
        this.refundable.push({ orderId: props.order_id, person: this.personOf(message)! });
      }
    }
  }

  private personOf(message: Message): Person | undefined {
    return this.people.find((p) => p.userId === message.userId || p.anonymousId === message.anonymousId);
  }

  private message(): Message {
    const person = pick(this.rng, this.people);
    const roll = this.rng();
    if (roll < 0.1) return this.identify(person);
    if (roll < 0.22) return this.base(person, "track", { anonymous: true }, { event: "Product Viewed", properties: { name: pick(this.rng, PRODUCTS) } });
    if (roll < 0.4) return this.base(person, "page", { anonymous: this.rng() < 0.5 }, { name: "菜单", properties: { path: "/menu" } });
    if (roll < 0.7) {
      const event = pick(this.rng, ["Product Viewed", "Product Added", "Signed In", "Checked In"]);
      return this.base(person, "track", {}, { event, properties: { name: pick(this.rng, PRODUCTS) } });
    }
    if (roll < 0.85 || this.refundable.length === 0) return this.order(person);
    return this.refund();
  }

  private identify(person: Person): Message {
    this.identified.add(person.index);
    return this.base(person, "identify", { both: true }, { traits: { phone: person.phone, name: person.name, city: "上海" } });
  }

  private order(person: Person): Message {
    this.orders += 1;
    const fen = randomInt(this.rng, 900, 39_900);
    return this.base(person, "track", {}, {
      event: "Order Completed",
      properties: {
        order_id: `crash-${this.runId}-o${this.orders}`,
        total: fen / 100,
        currency: "CNY",
        products: [{ name: pick(this.rng, PRODUCTS), price: fen / 100, quantity: 1 }],
      },
    });
  }

  private refund(): Message {
    const index = Math.floor(this.rng() * this.refundable.length);
    const [{ orderId, person }] = this.refundable.splice(index, 1) as [PlacedOrder];
    // Half of the refunds are partial: a few yuan back.
    const properties: Record<string, unknown> = { order_id: orderId };
    if (this.rng() < 0.5) properties.total = randomInt(this.rng, 1, 800) / 100;
    return this.base(person, "track", {}, { event: "Order Refunded", properties });
  }

  private base(person: Person, type: string, who: { anonymous?: boolean; both?: boolean }, rest: Record<string, unknown>): Message {
    this.sequence += 1;
    const ids = who.both
      ? { userId: person.userId, anonymousId: person.anonymousId }
      : who.anonymous
        ? { anonymousId: person.anonymousId }
        : { userId: person.userId };
    const timestamp = new Date(Date.now() - randomInt(this.rng, 0, 30 * 86_400_000)).toISOString();
    return { messageId: `crash-${this.runId}-m${this.sequence}`, type, ...ids, timestamp, ...rest };
  }
}

/** An event as the log holds it, enough to recompute what the projector must produce. */
export interface StoredEvent {
  messageId: string;
  userId: string | null;
  anonymousId: string | null;
  event: string | null;
  properties: Record<string, unknown> | null;
}

export interface PersonStats {
  events: number;
  orders: number;
  spendMinor: number;
}

/**
 * Per person: events, orders not fully refunded, and spend (completed minus
 * refunded, in fen), with the projector's rules: an order counts once, a refund
 * without an amount refunds the rest, refunds never exceed the order.
 */
export function recomputeStats(people: readonly Person[], events: readonly StoredEvent[]): Map<string, PersonStats> {
  const owner = new Map<string, Person>();
  for (const p of people) {
    owner.set(`u:${p.userId}`, p);
    owner.set(`a:${p.anonymousId}`, p);
  }
  const stats = new Map(people.map((p) => [p.userId, { events: 0, orders: 0, spendMinor: 0 }]));
  const orders = new Map<string, { person: string; total: number; refunded: number }>();
  for (const e of events) {
    const person = owner.get(`u:${e.userId}`) ?? owner.get(`a:${e.anonymousId}`);
    if (!person) throw new Error(`event ${e.messageId} belongs to nobody the test knows`);
    stats.get(person.userId)!.events += 1;
    const props = e.properties ?? {};
    if (e.event === "Order Completed") {
      const id = String(props.order_id);
      if (!orders.has(id)) orders.set(id, { person: person.userId, total: Math.round(Number(props.total) * 100), refunded: 0 });
    } else if (e.event === "Order Refunded") {
      const order = orders.get(String(props.order_id));
      if (!order) throw new Error(`refund ${e.messageId} precedes its order in the log`);
      const amount = props.total === undefined ? order.total : Math.round(Number(props.total) * 100);
      order.refunded = Math.min(order.total, order.refunded + amount);
    }
  }
  for (const order of orders.values()) {
    const s = stats.get(order.person)!;
    if (order.refunded < order.total) s.orders += 1;
    s.spendMinor += order.total - order.refunded;
  }
  return stats;
}
