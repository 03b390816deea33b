import {
  AlertOutlined,
  ApiOutlined,
  AuditOutlined,
  BarChartOutlined,
  BranchesOutlined,
  CommentOutlined,
  CrownOutlined,
  DashboardOutlined,
  ExperimentOutlined,
  FieldTimeOutlined,
  FileImageOutlined,
  HeatMapOutlined,
  HomeOutlined,
  IdcardOutlined,
  NodeIndexOutlined,
  PartitionOutlined,
  RiseOutlined,
  SettingOutlined,
  ShopOutlined,
  TagsOutlined,
  TeamOutlined,
  UserOutlined,
} from "@ant-design/icons";
import type { Permission } from "@siyu/contracts";
import type { ReactNode } from "react";
import type { MessageKey } from "../lib/i18n";

export type ModuleNavItem = {
  /** Route path below /w/:workspaceId/ and the menu key. */
  path: string;
  labelKey: MessageKey;
  descriptionKey: MessageKey;
  icon: ReactNode;
  testId: string;
};

export type SettingsNavItem = {
  path: string;
  labelKey: MessageKey;
  icon: ReactNode;
  permission: Permission;
  testId: string;
};

/** The product modules, in the order an operator's loop runs: data → customer → act → measure. */
export const MODULE_NAV: readonly ModuleNavItem[] = [
  { path: "overview", labelKey: "nav.overview", descriptionKey: "comingSoon.overview", icon: <DashboardOutlined />, testId: "nav-overview" },
  { path: "customers", labelKey: "nav.customers", descriptionKey: "comingSoon.customers", icon: <UserOutlined />, testId: "nav-customers" },
  { path: "segments", labelKey: "nav.segments", descriptionKey: "comingSoon.segments", icon: <PartitionOutlined />, testId: "nav-segments" },
  { path: "tags", labelKey: "nav.tags", descriptionKey: "tags.description", icon: <TagsOutlined />, testId: "nav-tags" },
  { path: "rfm", labelKey: "scores.nav.rfm", descriptionKey: "scores.nav.rfmDescription", icon: <HeatMapOutlined />, testId: "nav-rfm" },
  { path: "lifecycle", labelKey: "scores.nav.lifecycle", descriptionKey: "scores.nav.lifecycleDescription", icon: <FieldTimeOutlined />, testId: "nav-lifecycle" },
  { path: "loyalty", labelKey: "nav.loyalty", descriptionKey: "comingSoon.loyalty", icon: <CrownOutlined />, testId: "nav-loyalty" },
  { path: "journeys", labelKey: "nav.journeys", descriptionKey: "comingSoon.journeys", icon: <BranchesOutlined />, testId: "nav-journeys" },
  { path: "growth", labelKey: "nav.growth", descriptionKey: "comingSoon.growth", icon: <RiseOutlined />, testId: "nav-growth" },
  { path: "community", labelKey: "nav.community", descriptionKey: "comingSoon.community", icon: <CommentOutlined />, testId: "nav-community" },
  { path: "content", labelKey: "nav.content", descriptionKey: "comingSoon.content", icon: <FileImageOutlined />, testId: "nav-content" },
  { path: "experiments", labelKey: "nav.experiments", descriptionKey: "comingSoon.experiments", icon: <ExperimentOutlined />, testId: "nav-experiments" },
  { path: "analytics", labelKey: "nav.analytics", descriptionKey: "comingSoon.analytics", icon: <BarChartOutlined />, testId: "nav-analytics" },
  { path: "attribution", labelKey: "attribution.nav", descriptionKey: "attribution.navDescription", icon: <NodeIndexOutlined />, testId: "nav-attribution" },
  { path: "alerts", labelKey: "alerts.nav", descriptionKey: "alerts.navDescription", icon: <AlertOutlined />, testId: "nav-alerts" },
];

export const SETTINGS_PATH = "settings";
export const SETTINGS_ICON = <SettingOutlined />;

export const SETTINGS_NAV: readonly SettingsNavItem[] = [
  { path: "settings/workspace", labelKey: "nav.settings.workspace", icon: <HomeOutlined />, permission: "workspace.read", testId: "nav-settings-workspace" },
  { path: "settings/stores", labelKey: "nav.settings.stores", icon: <ShopOutlined />, permission: "stores.read", testId: "nav-settings-stores" },
  { path: "settings/operators", labelKey: "nav.settings.operators", icon: <TeamOutlined />, permission: "operators.read", testId: "nav-settings-operators" },
  { path: "settings/identity", labelKey: "nav.settings.identity", icon: <IdcardOutlined />, permission: "customers.read", testId: "nav-settings-identity" },
  { path: "settings/api-keys", labelKey: "nav.settings.apiKeys", icon: <ApiOutlined />, permission: "api_keys.read", testId: "nav-settings-api-keys" },
  { path: "settings/audit-log", labelKey: "nav.settings.auditLog", icon: <AuditOutlined />, permission: "audit.read", testId: "nav-settings-audit-log" },
];
