export const DEMO_PRODUCT_CATEGORIES = ["水果茶", "奶茶", "纯茶", "咖啡", "烘焙", "周边"] as const;
export type DemoProductCategory = (typeof DEMO_PRODUCT_CATEGORIES)[number];

export interface DemoProduct {
  /** Stable stock-keeping unit: category prefix + number, e.g. "FT-001". */
  sku: string;
  name: string;
  category: DemoProductCategory;
  /** Price in minor units of the workspace currency (CNY fen): 1800 = ¥18.00. */
  priceMinor: number;
}

// A fixed menu (no randomness): SKUs and prices must not move when the seed changes.
const MENU: ReadonlyArray<readonly [string, string, DemoProductCategory, number]> = [
  ["FT-001", "鲜柚茉莉", "水果茶", 1800],
  ["FT-002", "葡萄冻冻", "水果茶", 1900],
  ["FT-003", "芒芒甘露", "水果茶", 1800],
  ["FT-004", "桃桃乌龙", "水果茶", 1900],
  ["FT-005", "草莓啵啵", "水果茶", 2100],
  ["FT-006", "柠檬绿妍", "水果茶", 1500],
  ["FT-007", "百香双响炮", "水果茶", 1600],
  ["MT-001", "茉香奶绿", "奶茶", 1500],
  ["MT-002", "黑糖珍珠鲜奶", "奶茶", 1800],
  ["MT-003", "桂花乌龙奶茶", "奶茶", 1700],
  ["MT-004", "芋泥波波奶茶", "奶茶", 1900],
  ["MT-005", "岩盐芝士红茶", "奶茶", 1800],
  ["PT-001", "凤凰单丛", "纯茶", 1200],
  ["PT-002", "金观音", "纯茶", 1200],
  ["PT-003", "茉莉雪芽", "纯茶", 1000],
  ["PT-004", "白桃乌龙冷泡", "纯茶", 1300],
  ["CF-001", "茶语美式", "咖啡", 1500],
  ["CF-002", "生椰拿铁", "咖啡", 1900],
  ["CF-003", "桂花拿铁", "咖啡", 2000],
  ["CF-004", "冷萃茶咖", "咖啡", 1800],
  ["BK-001", "芋泥麻薯包", "烘焙", 1200],
  ["BK-002", "抹茶巴斯克", "烘焙", 2200],
  ["BK-003", "肉松小贝", "烘焙", 900],
  ["BK-004", "葡式蛋挞", "烘焙", 800],
  ["MD-001", "茶语随行杯", "周边", 6900],
  ["MD-002", "茶语帆布袋", "周边", 4900],
  ["MD-003", "节气盲盒徽章", "周边", 3900],
];

export function buildDemoMenu(): DemoProduct[] {
  return MENU.map(([sku, name, category, priceMinor]) => ({ sku, name, category, priceMinor }));
}
