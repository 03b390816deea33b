import { tagsEn } from "./en";
import { tagsZhCN } from "./zh-CN";

export const tagsLocales = { en: tagsEn, "zh-CN": tagsZhCN };
