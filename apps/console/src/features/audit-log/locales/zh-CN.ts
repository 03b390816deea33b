import type { auditLogEn } from "./en";

export const auditLogZhCN: Record<keyof typeof auditLogEn, string> = {
  "auditLog.title": "审计日志",
  "auditLog.description": "此工作空间中的每一次变更：谁、何时，以及变更前后的内容。",
  "auditLog.filter.action": "按操作筛选，例如 api_key.created",
  "auditLog.filter.active": "仅显示“{action}”",
  "auditLog.field.at": "时间（{timeZone}）",
  "auditLog.field.actor": "操作者",
  "auditLog.field.action": "操作",
  "auditLog.field.target": "对象",
  "auditLog.field.summary": "摘要",
  "auditLog.field.targetId": "对象 ID",
  "auditLog.field.actorId": "操作者 ID",
  "auditLog.field.ip": "IP 地址",
  "auditLog.actorType.operator": "成员",
  "auditLog.actorType.api_key": "API 密钥",
  "auditLog.actorType.system": "系统",
  "auditLog.changedFields": "变更字段：",
  "auditLog.before": "变更前",
  "auditLog.after": "变更后",
  "auditLog.end": "已显示全部 {count} 条记录",
};
