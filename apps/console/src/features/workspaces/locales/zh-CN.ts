import type { workspacesEn } from "./en";

export const workspacesZhCN: Record<keyof typeof workspacesEn, string> = {
  "workspaces.settings.title": "工作空间",
  "workspaces.settings.description": "此工作空间对应的品牌：名称，以及所有报表使用的时区和币种。",
  "workspaces.field.id": "工作空间 ID",
  "workspaces.field.slug": "标识",
  "workspaces.field.name": "名称",
  "workspaces.field.timezone": "时区",
  "workspaces.field.timezoneHelp": "时间按此时区显示，按此时区划分自然日。",
  "workspaces.field.currency": "币种",
  "workspaces.field.currencyHelp": "价格与收入使用的 ISO 4217 币种代码。",
  "workspaces.demoTag": "演示",
  "workspaces.create.title": "新建工作空间",
  "workspaces.none.title": "你还没有加入任何工作空间",
  "workspaces.none.subtitle": "为你的品牌新建一个工作空间，或请同事邀请你加入。",
};
