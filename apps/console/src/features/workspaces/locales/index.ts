import { workspacesEn } from "./en";
import { workspacesZhCN } from "./zh-CN";

export const workspacesLocales = { en: workspacesEn, "zh-CN": workspacesZhCN };
