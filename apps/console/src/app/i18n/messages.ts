import { commonEn } from "../../components/locales/en";
import { commonZhCN } from "../../components/locales/zh-CN";
import { alertsLocales } from "../../features/alerts/locales";
import { apiKeysLocales } from "../../features/api-keys/locales";
import { attributionLocales } from "../../features/attribution/locales";
import { auditLogLocales } from "../../features/audit-log/locales";
import { authLocales } from "../../features/auth/locales";
import { customersLocales } from "../../features/customers/locales";
import { dashboardLocales } from "../../features/dashboard/locales";
import { clvLocales } from "../../features/clv/locales";
import { exploreLocales } from "../../features/explore/locales";
import { importsLocales } from "../../features/imports/locales";
import { journeysLocales } from "../../features/journeys/locales";
import { loyaltyLocales } from "../../features/loyalty/locales";
import { messagingLocales } from "../../features/messaging/locales";
import { operatorsLocales } from "../../features/operators/locales";
import { scoresLocales } from "../../features/scores/locales";
import { segmentsLocales } from "../../features/segments/locales";
import { storesLocales } from "../../features/stores/locales";
import { tagsLocales } from "../../features/tags/locales";
import { workspacesLocales } from "../../features/workspaces/locales";
import type { Dictionary, Language } from "../../lib/i18n";
import { appEn } from "../locales/en";
import { appZhCN } from "../locales/zh-CN";

/** Each feature owns its strings; the app only merges them. Keys are prefixed by owner. */
export const DICTIONARY_PARTS = [
  { owner: "common", en: commonEn, "zh-CN": commonZhCN },
  { owner: "app", en: appEn, "zh-CN": appZhCN },
  { owner: "auth", ...authLocales },
  { owner: "workspaces", ...workspacesLocales },
  { owner: "stores", ...storesLocales },
  { owner: "operators", ...operatorsLocales },
  { owner: "api-keys", ...apiKeysLocales },
  { owner: "audit-log", ...auditLogLocales },
  { owner: "customers", ...customersLocales },
  { owner: "imports", ...importsLocales },
  { owner: "clv", ...clvLocales },
  { owner: "tags", ...tagsLocales },
  { owner: "scores", ...scoresLocales },
  { owner: "segments", ...segmentsLocales },
  { owner: "loyalty", ...loyaltyLocales },
  { owner: "messaging", ...messagingLocales },
  { owner: "attribution", ...attributionLocales },
  { owner: "alerts", ...alertsLocales },
  { owner: "explore", ...exploreLocales },
  { owner: "dashboard", ...dashboardLocales },
  { owner: "journeys", ...journeysLocales },
] as const;

export const en = {
  ...commonEn,
  ...appEn,
  ...authLocales.en,
  ...workspacesLocales.en,
  ...storesLocales.en,
  ...operatorsLocales.en,
  ...apiKeysLocales.en,
  ...auditLogLocales.en,
  ...customersLocales.en,
  ...importsLocales.en,
  ...clvLocales.en,
  ...tagsLocales.en,
  ...scoresLocales.en,
  ...segmentsLocales.en,
  ...loyaltyLocales.en,
  ...messagingLocales.en,
  ...attributionLocales.en,
  ...alertsLocales.en,
  ...exploreLocales.en,
  ...dashboardLocales.en,
  ...journeysLocales.en,
};

export const zhCN: Record<keyof typeof en, string> = {
  ...commonZhCN,
  ...appZhCN,
  ...authLocales["zh-CN"],
  ...workspacesLocales["zh-CN"],
  ...storesLocales["zh-CN"],
  ...operatorsLocales["zh-CN"],
  ...apiKeysLocales["zh-CN"],
  ...auditLogLocales["zh-CN"],
  ...customersLocales["zh-CN"],
  ...importsLocales["zh-CN"],
  ...clvLocales["zh-CN"],
  ...tagsLocales["zh-CN"],
  ...scoresLocales["zh-CN"],
  ...segmentsLocales["zh-CN"],
  ...loyaltyLocales["zh-CN"],
  ...messagingLocales["zh-CN"],
  ...attributionLocales["zh-CN"],
  ...alertsLocales["zh-CN"],
  ...exploreLocales["zh-CN"],
  ...dashboardLocales["zh-CN"],
  ...journeysLocales["zh-CN"],
};

export const DICTIONARIES: Readonly<Record<Language, Dictionary>> = { en, "zh-CN": zhCN };

declare module "../../lib/i18n/register" {
  interface Register {
    messages: typeof en;
  }
}
