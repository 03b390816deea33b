import { MenuFoldOutlined, MenuUnfoldOutlined } from "@ant-design/icons";
import type { MeDto } from "@siyu/contracts";
import { Button, Flex, Layout, Menu, Typography } from "antd";
import type { MenuProps } from "antd";
import { useEffect, useMemo, useState } from "react";
import { Link, Outlet, useLocation } from "react-router";
import { LanguageSwitch } from "../../components/language-switch";
import { useT } from "../../lib/i18n";
import { useCurrentWorkspace } from "../../lib/session";
import { MODULE_NAV, SETTINGS_ICON, SETTINGS_NAV, SETTINGS_PATH } from "../navigation";
import { selectedNavKey } from "../nav-selection";
import { SIDER_WIDTH, TEA_GREEN } from "../theme";
import { UserMenu } from "./user-menu";
import { WorkspaceSwitcher } from "./workspace-switcher";

const ALL_PATHS = [...MODULE_NAV.map((i) => i.path), ...SETTINGS_NAV.map((i) => i.path)];

export function AppShell(props: { me: MeDto }) {
  const t = useT();
  const location = useLocation();
  const { workspaceId, can } = useCurrentWorkspace();
  const [collapsed, setCollapsed] = useState(false);
  const selected = selectedNavKey(location.pathname, ALL_PATHS);
  const inSettings = selected?.startsWith(`${SETTINGS_PATH}/`) ?? false;
  const [openKeys, setOpenKeys] = useState<string[]>(inSettings ? [SETTINGS_PATH] : []);

  useEffect(() => {
    if (inSettings) setOpenKeys((keys) => (keys.includes(SETTINGS_PATH) ? keys : [...keys, SETTINGS_PATH]));
  }, [inSettings]);

  const base = `/w/${workspaceId}`;
  const items = useMemo<MenuProps["items"]>(
    () => [
      ...MODULE_NAV.map((item) => ({
        key: item.path,
        icon: item.icon,
        label: (
          <Link to={`${base}/${item.path}`} data-testid={item.testId}>
            {t(item.labelKey)}
          </Link>
        ),
      })),
      { type: "divider" as const },
      {
        key: SETTINGS_PATH,
        icon: SETTINGS_ICON,
        label: <span data-testid="nav-settings">{t("nav.settings")}</span>,
        children: SETTINGS_NAV.filter((item) => can(item.permission)).map((item) => ({
          key: item.path,
          icon: item.icon,
          label: (
            <Link to={`${base}/${item.path}`} data-testid={item.testId}>
              {t(item.labelKey)}
            </Link>
          ),
        })),
      },
    ],
    [base, can, t],
  );

  return (
    <Layout style={{ minHeight: "100vh" }}>
      <Layout.Sider
        width={SIDER_WIDTH}
        collapsible
        collapsed={collapsed}
        onCollapse={setCollapsed}
        breakpoint="lg"
        trigger={null}
        style={{ borderRight: "1px solid var(--ant-color-split)" }}
      >
        <Flex align="center" gap={8} style={{ height: 56, padding: collapsed ? "0 24px" : "0 20px" }}>
          <span
            aria-hidden
            style={{
              display: "inline-flex",
              alignItems: "center",
              justifyContent: "center",
              width: 28,
              height: 28,
              borderRadius: 7,
              background: TEA_GREEN,
              color: "#fff",
              fontWeight: 700,
              flex: "none",
            }}
          >
            私
          </span>
          {collapsed ? null : (
            <Typography.Text strong style={{ fontSize: 17, letterSpacing: 1 }} data-testid="brand">
              {t("app.brand.chinese")} {t("app.brand.name")}
            </Typography.Text>
          )}
        </Flex>
        <Menu
          mode="inline"
          items={items}
          selectedKeys={selected ? [selected] : []}
          openKeys={collapsed ? undefined : openKeys}
          onOpenChange={setOpenKeys}
          style={{ borderInlineEnd: "none" }}
          data-testid="sider-menu"
        />
      </Layout.Sider>
      <Layout>
        <Layout.Header
          style={{
            display: "flex",
            alignItems: "center",
            gap: 16,
            borderBottom: "1px solid var(--ant-color-split)",
            position: "sticky",
            top: 0,
            zIndex: 10,
          }}
        >
          <Button
            type="text"
            icon={collapsed ? <MenuUnfoldOutlined /> : <MenuFoldOutlined />}
            onClick={() => setCollapsed((c) => !c)}
            aria-label={collapsed ? t("header.expandMenu") : t("header.collapseMenu")}
          />
          <WorkspaceSwitcher memberships={props.me.memberships} currentId={workspaceId} />
          <div style={{ flex: 1 }} />
          <LanguageSwitch />
          <UserMenu operator={props.me.operator} />
        </Layout.Header>
        <Layout.Content style={{ padding: 24 }}>
          <Outlet />
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
