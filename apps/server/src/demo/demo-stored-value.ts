import type { DemoBrand } from "@siyu/demo";
import { SYSTEM_ACTOR, type CoreServices, type WorkspaceContext } from "@siyu/core";

const TOPUP_AMOUNTS = [20_000, 50_000, 100_000];

/**
 * What the demo brand's tills have done with stored value and cards: a top-up bonus rule (充 500 送 50,
 * 充 1000 送 150), top-ups by one member in 25, a 12-cup card (12 杯鲜萃卡) and an annual card
 * (年度畅饮卡, one cup a day) with holders, some paid from stored value, some cups already drunk.
 * Run once the members are profiles; every write is keyed, so running it again changes nothing.
 */
export async function seedDemoStoredValue(services: CoreServices, workspaceId: string, brand: DemoBrand): Promise<{ topUps: number; cards: number }> {
  const ctx: WorkspaceContext = { workspaceId, actor: SYSTEM_ACTOR, storeIds: null, ip: null };
  const settings = await services.points.settings(workspaceId);
  if (settings.storedValue.bonusRules.length === 0) {
    await services.points.putSettings(ctx, {
      ...settings,
      storedValue: { ...settings.storedValue, bonusRules: [{ minTopupMinor: 50_000, bonusMinor: 5_000 }, { minTopupMinor: 100_000, bonusMinor: 15_000 }], bonusExpiryDays: 365 },
    });
  }
  const existing = await services.cards.listProducts(ctx);
  const product = async (name: string, body: Parameters<CoreServices["cards"]["createProduct"]>[1]) => existing.find((p) => p.name === name) ?? (await services.cards.createProduct(ctx, body));
  const cups = await product("12 杯鲜萃卡", { name: "12 杯鲜萃卡", kind: "times", uses: 12, validityDays: 180, priceMinor: 19_900 });
  const annual = await product("年度畅饮卡", { name: "年度畅饮卡", kind: "annual", dailyLimit: 1, validityDays: 365, priceMinor: 99_900 });

  const chosen = brand.members.filter((_, i) => i % 25 === 0);
  const found = await services.identity.profilesOfIdentifiers(workspaceId, chosen.map((m) => ({ type: "user_id", value: m.key })));
  let topUps = 0;
  let cards = 0;
  for (const [i, member] of chosen.entries()) {
    const hit = found[i];
    const profileId = hit && "profileId" in hit ? hit.profileId : null;
    if (!profileId) continue;
    const amount = TOPUP_AMOUNTS[i % TOPUP_AMOUNTS.length]!;
    await services.storedValue.topUp(ctx, profileId, { amountMinor: amount, reference: `demo-wx-${member.key}`, idempotencyKey: `demo-topup:${member.key}` });
    topUps += 1;
    if (i % 3 === 2) continue;
    const isAnnual = i % 10 === 0;
    const sold = await services.cards.issue(ctx, profileId, {
      productId: isAnnual ? annual.id : cups.id,
      payWithStoredValue: !isAnnual && amount >= 50_000,
      reference: `demo-card-${member.key}`,
      idempotencyKey: `demo-card:${member.key}`,
    });
    cards += 1;
    if (isAnnual) continue;
    for (let u = 0; u < i % 7; u++) await services.cards.use(ctx, sold.card.id, { idempotencyKey: `demo-use:${member.key}:${u}` });
  }
  return { topUps, cards };
}
