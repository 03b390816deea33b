import { auditLogEn } from "./en";
import { auditLogZhCN } from "./zh-CN";

export const auditLogLocales = { en: auditLogEn, "zh-CN": auditLogZhCN };
