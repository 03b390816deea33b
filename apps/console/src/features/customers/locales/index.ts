import { customersEn } from "./en";
import { customersZhCN } from "./zh-CN";

export const customersLocales = { en: customersEn, "zh-CN": customersZhCN };
