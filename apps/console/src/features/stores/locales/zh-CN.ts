import type { storesEn } from "./en";

export const storesZhCN: Record<keyof typeof storesEn, string> = {
  "stores.title": "门店",
  "stores.description": "品牌的线下门店。店长只能看到分配给自己的门店。",
  "stores.create": "新建门店",
  "stores.filter.search": "按名称或编码搜索",
  "stores.filter.city": "城市",
  "stores.filter.allStatuses": "全部状态",
  "stores.field.code": "编码",
  "stores.field.codeHelp": "品牌自有的门店编码，例如 POS 门店号。",
  "stores.field.name": "名称",
  "stores.field.city": "城市",
  "stores.field.address": "地址",
  "stores.field.phone": "电话",
  "stores.status.open": "营业中",
  "stores.status.closed": "已关闭",
  "stores.form.createTitle": "新建门店",
  "stores.form.editTitle": "编辑 {name}",
  "stores.validation.code": "只能包含字母、数字、- 和 _",
  "stores.delete.confirm": "删除 {name}？",
  "stores.delete.hint": "分配到该门店的店长将失去访问权限。",
};
