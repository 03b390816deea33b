import { addMonths, formatIsoDate } from "./calendar";
import type { Rng } from "./rng";

export const DEMO_STORE_BRAND = "茶语时光";

export interface DemoStore {
  /** Stable code: city prefix + number, e.g. "SH-001". */
  code: string;
  /** "茶语时光·上海静安店" */
  name: string;
  city: string;
  address: string;
  /** Store landline in E.164 with spaces, e.g. "+86 21 6288 1234". */
  phone: string;
  /** ISO date the store opened. */
  openedAt: string;
  /** ISO date the store closed; null while open. */
  closedAt: string | null;
  status: "open" | "closed";
}

interface StoreSpec {
  code: string;
  city: string;
  district: string;
  address: string;
  areaCode: string;
  /** Relative foot traffic: how likely a new member picks this store as home store. */
  traffic: number;
  /** Months before the window starts (negative) or fraction of the window (0–1) at which it opened. */
  opened: { monthsBeforeStart: number } | { windowFraction: number };
  closedAtWindowFraction?: number;
}

// Fixed list so that codes, names and addresses never depend on the seed. Street names are real,
// numbers and shop units are made up.
const STORE_SPECS: readonly StoreSpec[] = [
  { code: "SH-001", city: "上海", district: "静安", address: "上海市静安区南京西路1788号1层108铺", areaCode: "21", traffic: 1.6, opened: { monthsBeforeStart: 40 } },
  { code: "SH-002", city: "上海", district: "徐汇", address: "上海市徐汇区漕溪北路336号1层112铺", areaCode: "21", traffic: 1.3, opened: { monthsBeforeStart: 31 } },
  { code: "SH-003", city: "上海", district: "陆家嘴", address: "上海市浦东新区世纪大道1168号B1层B106铺", areaCode: "21", traffic: 1.4, opened: { monthsBeforeStart: 22 } },
  { code: "HZ-001", city: "杭州", district: "西湖", address: "杭州市上城区湖滨路52号1层", areaCode: "571", traffic: 1.3, opened: { monthsBeforeStart: 36 } },
  { code: "HZ-002", city: "杭州", district: "滨江", address: "杭州市滨江区江南大道588号1层115铺", areaCode: "571", traffic: 0.9, opened: { monthsBeforeStart: 14 } },
  { code: "BJ-001", city: "北京", district: "三里屯", address: "北京市朝阳区三里屯路19号院1层S1-12", areaCode: "10", traffic: 1.4, opened: { monthsBeforeStart: 28 } },
  { code: "BJ-002", city: "北京", district: "五道口", address: "北京市海淀区成府路28号1层105铺", areaCode: "10", traffic: 0.9, opened: { monthsBeforeStart: 18 }, closedAtWindowFraction: 0.82 },
  { code: "SZ-001", city: "深圳", district: "南山", address: "深圳市南山区科苑路15号1层L1-23", areaCode: "755", traffic: 1.2, opened: { monthsBeforeStart: 25 } },
  { code: "SZ-002", city: "深圳", district: "福田", address: "深圳市福田区福华路3008号1层126铺", areaCode: "755", traffic: 1.0, opened: { windowFraction: 0.25 } },
  { code: "CD-001", city: "成都", district: "春熙路", address: "成都市锦江区春熙路南段88号1层", areaCode: "28", traffic: 1.2, opened: { monthsBeforeStart: 20 } },
  { code: "GZ-001", city: "广州", district: "天河", address: "广州市天河区天河路383号1层1F-18", areaCode: "20", traffic: 1.1, opened: { monthsBeforeStart: 16 } },
  { code: "NJ-001", city: "南京", district: "新街口", address: "南京市玄武区中山路18号1层103铺", areaCode: "25", traffic: 1.0, opened: { windowFraction: 0.6 } },
  { code: "WH-001", city: "武汉", district: "江汉路", address: "武汉市江汉区江汉路118号1层", areaCode: "27", traffic: 1.0, opened: { monthsBeforeStart: 12 } },
  { code: "WH-002", city: "武汉", district: "光谷", address: "武汉市洪山区珞喻路726号1层107铺", areaCode: "27", traffic: 0.7, opened: { monthsBeforeStart: 9 }, closedAtWindowFraction: 0.55 },
];

/** Cities that have a store, in store order. */
export const DEMO_STORE_CITIES: readonly string[] = [...new Set(STORE_SPECS.map((spec) => spec.city))];

export interface StoreTimeline {
  store: DemoStore;
  traffic: number;
  /** Day numbers (days since 1970-01-01): first day open, first day closed (or Infinity). */
  openDay: number;
  closeDay: number;
}

export function buildDemoStores(rng: Rng, window: { startDay: number; endDay: number }): StoreTimeline[] {
  const span = window.endDay - window.startDay;
  return STORE_SPECS.map((spec) => {
    const openDay =
      "monthsBeforeStart" in spec.opened
        ? addMonths(window.startDay, -spec.opened.monthsBeforeStart)
        : window.startDay + Math.floor(span * spec.opened.windowFraction);
    const closeDay =
      spec.closedAtWindowFraction === undefined
        ? Number.POSITIVE_INFINITY
        : window.startDay + Math.floor(span * spec.closedAtWindowFraction);
    // Each store draws its landline from its own stream so adding a store never renumbers others.
    const phoneRng = rng.fork(spec.code);
    const local = `${phoneRng.int(5, 6)}${String(phoneRng.int(0, 999)).padStart(3, "0")} ${String(phoneRng.int(0, 9999)).padStart(4, "0")}`;
    const closed = Number.isFinite(closeDay);
    return {
      store: {
        code: spec.code,
        name: `${DEMO_STORE_BRAND}·${spec.city}${spec.district}店`,
        city: spec.city,
        address: spec.address,
        phone: `+86 ${spec.areaCode} ${local}`,
        openedAt: formatIsoDate(openDay),
        closedAt: closed ? formatIsoDate(closeDay) : null,
        status: closed ? "closed" : "open",
      },
      traffic: spec.traffic,
      openDay,
      closeDay,
    };
  });
}
