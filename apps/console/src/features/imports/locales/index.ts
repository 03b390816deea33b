import { importsEn } from "./en";
import { importsZhCN } from "./zh-CN";

export const importsLocales = { en: importsEn, "zh-CN": importsZhCN };
