import { systemContext, type CoreServices } from "@siyu/core";

/**
 * The demo brand's redemption catalogue and a lottery: tea-brand goods with stock (a tumbler, a tote
 * bag, a points + cash gift box), a coupon for points, and a spring draw whose prizes use them.
 */
export async function seedDemoCatalogue(services: CoreServices, workspaceId: string): Promise<void> {
  const ctx = systemContext(workspaceId);
  const voucher = await services.coupons.createTemplate(ctx, {
    name: "¥10 代金券 (¥10 off)",
    kind: "fixed",
    amountMinor: 1000,
    validity: { kind: "relative", days: 30 },
    totalStock: 5000,
    perMemberLimit: null,
  });
  const tumbler = await services.catalogue.createItem(ctx, {
    kind: "goods",
    sku: "MERCH-TUMBLER-01",
    name: "茶语随行杯 Tea tumbler",
    description: "450 ml double-wall tumbler with a tea infuser.",
    pointsCost: 800,
    stock: 200,
    perMemberLimit: 2,
  });
  const tote = await services.catalogue.createItem(ctx, {
    kind: "goods",
    sku: "MERCH-TOTE-01",
    name: "帆布托特包 Canvas tote bag",
    description: "Natural canvas tote with the brand's leaf print.",
    pointsCost: 1200,
    stock: 150,
    perMemberLimit: 1,
  });
  await services.catalogue.createItem(ctx, {
    kind: "goods",
    sku: "GIFT-COLDBREW-01",
    name: "冷泡茶礼盒 Cold-brew gift box",
    description: "Six cold-brew sachets; points + cash.",
    pointsCost: 600,
    cashMinor: 2990,
    stock: 100,
    perMemberDailyLimit: 1,
  });
  await services.catalogue.createItem(ctx, { kind: "coupon", name: "¥10 代金券 (¥10 off)", pointsCost: 300, templateId: voucher.id, perMemberDailyLimit: 2 });
  await services.lottery.create(ctx, {
    name: "新春抽奖 Spring draw",
    description: "50 points a draw, three a day.",
    pointsCost: 50,
    perMemberDailyLimit: 3,
    prizes: [
      { name: "100 积分 (100 points)", kind: "points", points: 100, weight: 20, stock: 500 },
      { name: "¥10 代金券 (¥10 off)", kind: "coupon", templateId: voucher.id, weight: 10, stock: 200 },
      { name: "帆布托特包 Tote bag", kind: "goods", itemId: tote.id, weight: 2, stock: 20 },
      { name: "随行杯 Tumbler", kind: "goods", itemId: tumbler.id, weight: 1, stock: 10 },
      { name: "谢谢参与 Thanks for playing", kind: "none", weight: 67 },
    ],
  });
}
