import type { clvEn } from "./en";

export const clvZhCN: Record<keyof typeof clvEn, string> = {
  "clv.card.title": "客户终身价值（CLV）",
  "clv.card.help": "基于本工作区订单，用 BG/NBD 模型（购买与流失）和 Gamma-Gamma 模型（客单价）预测，每天重新拟合。金额未折现。",
  "clv.pAlive": "仍活跃概率",
  "clv.pAlive.help": "该客户尚未悄然流失、仍会继续购买的概率。",
  "clv.expectedOrderValue": "预期客单价",
  "clv.nextPurchase": "预计下次购买",
  "clv.nextPurchase.help": "若客户仍活跃，下次购买最可能落在的中间一半时间段（25%–75%）。",
  "clv.horizon": "未来",
  "clv.horizon.days": "{days} 天",
  "clv.expectedPurchases": "预期购买次数",
  "clv.expectedValue": "预期价值",
  "clv.computedAt": "计算于 {at}",
  "clv.state.not_fitted": "本工作区尚未拟合 CLV 模型。",
  "clv.state.insufficient_data": "数据不足：本工作区有复购的客户太少，无法拟合模型。",
  "clv.state.fit_failed": "最近一次 CLV 拟合未成功，暂无预测。",
  "clv.state.no_orders": "数据不足：该客户在模型中还没有订单。",
  "clv.loadFailed": "无法加载 CLV 预测。",
};
