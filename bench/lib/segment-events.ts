import { existsSync, readFileSync } from "node:fs";

/**
 * Realistic Segment traffic of a tea-drink / retail brand's mini-program: members
 * with Chinese names and mobile numbers, identifies, page views, product views,
 * add-to-cart, wishlist, orders and refunds. The behaviour of the track calls is
 * replayed from the real Taobao UserBehavior slice (../shared/datasets) when it is
 * there — its pv/cart/fav/buy mix, items and categories, and which events belong
 * to the same shopper — and drawn with the same proportions otherwise.
 */
export const TAOBAO_SLICE = new URL("../../../shared/datasets/taobao_userbehavior/userbehavior_2017-11-26_0900-1110_slice.csv", import.meta.url);

export type Rng = () => number;

/** mulberry32: seedable, so two runs send the same traffic. */
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

interface BehaviourRow {
  user: number;
  item: number;
  category: number;
  behaviour: "pv" | "cart" | "fav" | "buy";
}

/** The Taobao slice, or null when the datasets folder is not beside the repo. */
export function loadTaobaoBehaviour(): BehaviourRow[] | null {
  if (!existsSync(TAOBAO_SLICE)) return null;
  const rows: BehaviourRow[] = [];
  for (const line of readFileSync(TAOBAO_SLICE, "utf8").split("\n")) {
    const [user, item, category, behaviour] = line.split(",");
    if (!user || !item || !category || !behaviour) continue;
    rows.push({ user: Number(user), item: Number(item), category: Number(category), behaviour: behaviour as BehaviourRow["behaviour"] });
  }
  return rows;
}

const SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤";
const GIVEN = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超", "秀兰", "霞", "平", "刚", "桂英", "晨", "欣怡", "子涵", "梓萱", "浩然", "宇轩", "诗涵", "雨桐", "一诺"];
const CITIES = ["上海", "北京", "深圳", "广州", "杭州", "成都", "武汉", "南京", "苏州", "西安", "长沙", "重庆"];
const MOBILE_PREFIXES = ["130", "131", "132", "135", "136", "137", "138", "139", "150", "151", "152", "155", "156", "157", "158", "159", "176", "177", "178", "180", "181", "182", "183", "185", "186", "187", "188", "189", "199"];
const PAGES = [
  { name: "首页", path: "/pages/index/index" },
  { name: "菜单", path: "/pages/menu/menu" },
  { name: "会员中心", path: "/pages/member/center" },
  { name: "积分商城", path: "/pages/points/mall" },
  { name: "门店列表", path: "/pages/store/list" },
  { name: "订单详情", path: "/pages/order/detail" },
];
const DRINKS = ["杨枝甘露", "芝芝莓莓", "多肉葡萄", "烤黑糖波波牛乳", "满杯红柚", "椰椰芒芒", "生打椰椰", "茉莉奶绿", "芝芝芒芒", "柠檬茶"];
const TRACK_NAMES: Record<BehaviourRow["behaviour"], string> = {
  pv: "Product Viewed",
  cart: "Product Added",
  fav: "Product Added to Wishlist",
  buy: "Order Completed",
};

interface Member {
  userId: string;
  anonymousId: string;
  phone: string;
  name: string;
  city: string;
}

export interface GeneratorOptions {
  users: number;
  seed: number;
  /** Prefix of every message id: runs into one store never collide. */
  runId: string;
  /** Replayed for track calls; null draws the same mix synthetically. */
  behaviour: BehaviourRow[] | null;
}

export interface SegmentMessage {
  messageId: string;
  type: "identify" | "track" | "page";
  [key: string]: unknown;
}

/** A stream of Segment messages; `next(n)` returns the next n, in order. */
export function createEventGenerator(options: GeneratorOptions) {
  const rng = seededRng(options.seed);
  const members = new Map<number, Member>();
  const recentOrders: { member: number; orderId: string }[] = [];
  let sequence = 0;
  let row = 0;
  let cycle = 0;
  const now = Date.now();

  function member(index: number): Member {
    let m = members.get(index);
    if (!m) {
      const local = String(Math.floor(rng() * 1e8)).padStart(8, "0");
      m = {
        userId: `m${String(index).padStart(7, "0")}`,
        anonymousId: `anon-${index.toString(36)}-${Math.floor(rng() * 1e9).toString(36)}`,
        phone: pick(MOBILE_PREFIXES) + local,
        name: SURNAMES[Math.floor(rng() * SURNAMES.length)]! + pick(GIVEN),
        city: pick(CITIES),
      };
      members.set(index, m);
    }
    return m;
  }

  function pick<T>(items: readonly T[]): T {
    return items[Math.floor(rng() * items.length)]!;
  }

  /** Active people are few and busy: a skewed pick when there is no real behaviour to follow. */
  function syntheticUser(): number {
    return Math.floor(options.users * rng() ** 2);
  }

  function nextBehaviour(): { user: number; item: number; category: number; behaviour: BehaviourRow["behaviour"] } {
    const source = options.behaviour;
    if (source && source.length > 0) {
      const r = source[row]!;
      row += 1;
      if (row === source.length) {
        row = 0;
        cycle += 1;
      }
      // The same shopper stays one member within a pass; each pass maps shoppers to other members.
      return { ...r, user: (r.user + cycle * 7_919) % options.users };
    }
    const x = rng();
    const behaviour = x < 0.892 ? "pv" : x < 0.947 ? "cart" : x < 0.978 ? "fav" : "buy";
    return { user: syntheticUser(), item: Math.floor(rng() * 4_000_000), category: Math.floor(rng() * 9_000), behaviour };
  }

  function common(m: Member, anonymousOnly: boolean) {
    sequence += 1;
    const ts = new Date(now - Math.floor(rng() * 7 * 86_400_000)).toISOString();
    return {
      messageId: `${options.runId}-${sequence}`,
      ...(anonymousOnly ? { anonymousId: m.anonymousId } : { userId: m.userId, anonymousId: m.anonymousId }),
      timestamp: ts,
      context: {
        library: { name: "analytics-miniprogram", version: "2.3.1" },
        channel: "wechat_miniprogram",
        locale: "zh-CN",
        ip: `113.${Math.floor(rng() * 255)}.${Math.floor(rng() * 255)}.${Math.floor(rng() * 255)}`,
        os: { name: rng() < 0.55 ? "iOS" : "Android" },
      },
    };
  }

  function message(): SegmentMessage {
    const x = rng();
    if (x < 0.06) {
      const index = options.behaviour ? nextBehaviour().user : syntheticUser();
      const m = member(index);
      return {
        type: "identify",
        ...common(m, false),
        traits: { name: m.name, phone: m.phone, city: m.city, gender: rng() < 0.62 ? "female" : "male", member_level: pick(["bronze", "silver", "gold"]) },
      };
    }
    if (x < 0.2) {
      const m = member(syntheticUser());
      const page = pick(PAGES);
      return { type: "page", ...common(m, rng() < 0.3), name: page.name, properties: { path: page.path, title: page.name } };
    }
    if (x < 0.203 && recentOrders.length > 0) {
      const order = recentOrders[Math.floor(rng() * recentOrders.length)]!;
      return { type: "track", ...common(member(order.member), false), event: "Order Refunded", properties: { order_id: order.orderId } };
    }
    const b = nextBehaviour();
    const m = member(b.user);
    const product = { product_id: String(b.item), category: String(b.category), name: pick(DRINKS), price: 9 + Math.floor(rng() * 30) };
    if (b.behaviour === "buy") {
      const quantity = 1 + Math.floor(rng() * 3);
      const orderId = `${options.runId}-o${sequence + 1}`;
      recentOrders.push({ member: b.user, orderId });
      if (recentOrders.length > 1_000) recentOrders.shift();
      return {
        type: "track",
        ...common(m, false),
        event: TRACK_NAMES.buy,
        properties: { order_id: orderId, total: product.price * quantity, currency: "CNY", store_id: `S${100 + Math.floor(rng() * 40)}`, products: [{ ...product, quantity }] },
      };
    }
    return { type: "track", ...common(m, rng() < 0.3), event: TRACK_NAMES[b.behaviour], properties: product };
  }

  return {
    next(count: number): SegmentMessage[] {
      const out: SegmentMessage[] = new Array(count);
      for (let i = 0; i < count; i++) out[i] = message();
      return out;
    },
    get generated() {
      return sequence;
    },
  };
}
