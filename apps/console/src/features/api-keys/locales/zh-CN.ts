import type { apiKeysEn } from "./en";

export const apiKeysZhCN: Record<keyof typeof apiKeysEn, string> = {
  "apiKeys.title": "API 密钥",
  "apiKeys.description": "小程序、POS、商城和服务器通过密钥接入 Siyu。采集密钥只能上报事件；管理密钥供服务器调用管理 API。",
  "apiKeys.create.title": "新建 API 密钥",
  "apiKeys.field.name": "名称",
  "apiKeys.field.nameHelp": "密钥的用途，例如“微信小程序”或“POS 同步”。",
  "apiKeys.field.scope": "权限范围",
  "apiKeys.field.prefix": "密钥",
  "apiKeys.field.lastUsedAt": "最近使用",
  "apiKeys.scope.ingest": "采集",
  "apiKeys.scope.admin": "管理",
  "apiKeys.scopeHelp.ingest": "只写：可上报事件（行为、身份、订单），可放在前端使用。",
  "apiKeys.scopeHelp.admin": "仅限服务端：通过管理 API 读写工作空间数据，切勿放入浏览器或 App。",
  "apiKeys.status.active": "有效",
  "apiKeys.status.revoked": "已吊销",
  "apiKeys.secret.title": "新的 API 密钥",
  "apiKeys.secret.done": "我已复制",
  "apiKeys.revoke.action": "吊销",
  "apiKeys.revoke.confirm": "吊销“{name}”？",
  "apiKeys.revoke.hint": "此后使用该密钥的调用都会失败，且无法恢复。",
  "apiKeys.revoke.done": "API 密钥已吊销",
};
