import type { CreateSegmentBody, SegmentRule } from "@siyu/contracts";
import type { DemoBrand } from "@siyu/demo";
import { SYSTEM_ACTOR, type CoreServices, type WorkspaceContext } from "@siyu/core";

/**
 * What the demo brand's operators have set up on the Segmentation pages: taste tags computed
 * from views, a spending-power scale, a hand-kept KOC list, and the segments the brand plans
 * talk about. Defined once when the demo workspace is created; computed (and the KOC list filled)
 * once its behaviour is in.
 */
export async function defineDemoSegmentation(services: CoreServices, workspaceId: string): Promise<void> {
  const ctx = systemCtx(workspaceId);
  const taste = await services.tags.createGroup(ctx, { name: "口味偏好", description: "近 30 天浏览 3 次及以上的品类", exclusive: false });
  const fruitTea = await services.tags.create(ctx, {
    kind: "rule",
    name: "偏爱水果茶",
    groupId: taste.id,
    color: "#fa8c16",
    definition: { rule: viewedCategory("水果茶", 3) },
  });
  await services.tags.create(ctx, { kind: "rule", name: "咖啡控", groupId: taste.id, color: "#8c6e4a", definition: { rule: viewedCategory("咖啡", 2) } });

  const power = await services.tags.createGroup(ctx, { name: "消费力", description: "按累计消费分位：前 20 % 高、再 30 % 中、其余低", exclusive: true });
  await services.tags.create(ctx, {
    kind: "quantile",
    name: "高",
    groupId: power.id,
    definition: { metric: "total_spend", levels: [{ tagName: "高", topPercent: 20 }, { tagName: "中", topPercent: 30 }, { tagName: "低" }] },
  });

  const ops = await services.tags.createGroup(ctx, { name: "运营标记", description: "运营人员手工维护", exclusive: false });
  await services.tags.create(ctx, { kind: "manual", name: KOC_TAG, groupId: ops.id, color: "#eb2f96" });

  const segments: CreateSegmentBody[] = [
    {
      name: "上海高价值会员 · 30 天未下单",
      description: "累计消费 ≥ ¥300 的上海会员，最近 30 天没有订单：召回对象",
      rule: {
        type: "and",
        rules: [
          { type: "trait", trait: "city", op: "eq", value: "上海" },
          { type: "trait", trait: "total_spend", op: "gte", value: 300 },
          { type: "not", rule: { type: "occurrence", event: "Order Completed", which: "last", window: { kind: "in_last_days", days: 30 } } },
        ],
      },
    },
    { name: "新会员首周", description: "生命周期：新客（首次出现 7 天内）", rule: { type: "lifecycle", stages: ["new"] } },
    { name: "水果茶爱好者", description: "标签：偏爱水果茶", rule: { type: "tag", tagId: fruitTea.id } },
    { name: "沉睡待唤醒", description: "RFM 分层：沉睡", rule: { type: "rfm", layers: ["dormant"] } },
    {
      name: "一单客 · 仍活跃",
      description: "只下过一单、模型认为仍活跃（P(alive) ≥ 0.6）：二次复购的机会",
      rule: {
        type: "and",
        rules: [
          { type: "trait", trait: "order_count", op: "eq", value: 1 },
          { type: "clv", metric: "p_alive", op: "gte", value: 0.6 },
        ],
      },
    },
  ];
  for (const segment of segments) await services.segments.create(ctx, { refreshEveryMinutes: 60, ...segment });
  // An honour title by rule: 6 or more orders in the last year (judged daily; permanent once granted).
  await services.badges.create(ctx, {
    code: "tea_lover_of_the_year",
    nameZh: "年度挚爱茶客",
    nameEn: "Tea lover of the year",
    kind: "title",
    rule: { type: "event", event: "Order Completed", measure: { kind: "count" }, op: "gte", value: 6, window: { kind: "in_last_days", days: 365 } },
    rewardPoints: 200,
  });
}

const KOC_TAG = "KOC 种子用户";

export interface DemoSegmentationRun {
  step: string;
  ok: boolean;
  error?: string;
}

/**
 * Fits CLV, scores RFM / lifecycle / value tiers, recomputes the computed tags and refreshes the
 * segments, in that order (each feeds the next). A step that fails (a demo too small to fit CLV,
 * say) is reported and the rest still run.
 */
export async function computeDemoSegmentation(services: CoreServices, workspaceId: string, brand: DemoBrand): Promise<DemoSegmentationRun[]> {
  const ctx = systemCtx(workspaceId);
  const runs: DemoSegmentationRun[] = [];
  const step = async (name: string, work: () => Promise<unknown>) => {
    try {
      await work();
      runs.push({ step: name, ok: true });
    } catch (error) {
      runs.push({ step: name, ok: false, error: error instanceof Error ? error.message : String(error) });
    }
  };
  const { tags } = await services.tags.list(ctx);
  const koc = tags.find((t) => t.name === KOC_TAG);
  const kocMembers = brand.members.filter((_, i) => i % 97 === 0).slice(0, 40);
  if (koc && kocMembers.length > 0) {
    await step("tags.assign KOC", () => services.tags.assign(ctx, koc.id, { identifiers: kocMembers.map((m) => ({ type: "user_id", value: m.key })) }));
  }
  await step("clv.refit", () => services.clv.refit(ctx));
  await step("scores.recompute", () => services.scores.recompute(ctx));
  for (const tag of tags.filter((t) => t.kind !== "manual")) {
    // A quantile scale is computed once, through any of its levels.
    if (tag.kind === "quantile" && tag.name !== "高") continue;
    await step(`tags.recompute ${tag.name}`, () => services.tags.recompute(ctx, tag.id));
  }
  for (const segment of await services.segments.list(ctx)) {
    await step(`segments.refresh ${segment.name}`, () => services.segments.refresh(ctx, segment.id));
  }
  for (const badge of await services.badges.list(ctx)) {
    await step(`badges.evaluate ${badge.nameZh}`, () => services.badges.evaluate(ctx, badge.id));
  }
  return runs;
}

function viewedCategory(category: string, atLeast: number): SegmentRule {
  return {
    type: "event",
    event: "Product Viewed",
    where: [{ property: "category", op: "eq", value: category }],
    measure: { kind: "count" },
    op: "gte",
    value: atLeast,
    window: { kind: "in_last_days", days: 30 },
  };
}

function systemCtx(workspaceId: string): WorkspaceContext {
  return { workspaceId, actor: SYSTEM_ACTOR, storeIds: null, ip: null };
}
