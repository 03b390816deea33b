import { DownOutlined, KeyOutlined, LogoutOutlined, UserOutlined } from "@ant-design/icons";
import type { OperatorDto } from "@siyu/contracts";
import { Avatar, Button, Dropdown, Space } from "antd";
import { useState } from "react";
import { ChangePasswordModal, useLogout } from "../../features/auth";
import { useT } from "../../lib/i18n";

export function UserMenu(props: { operator: OperatorDto }) {
  const t = useT();
  const logout = useLogout();
  const [changingPassword, setChangingPassword] = useState(false);
  return (
    <>
      <Dropdown
        trigger={["click"]}
        menu={{
          items: [
            { key: "email", label: props.operator.email, disabled: true },
            { type: "divider" },
            {
              key: "password",
              icon: <KeyOutlined />,
              label: <span data-testid="user-menu-change-password">{t("header.changePassword")}</span>,
            },
            {
              key: "logout",
              icon: <LogoutOutlined />,
              danger: true,
              label: <span data-testid="user-menu-logout">{t("header.logout")}</span>,
            },
          ],
          onClick: ({ key }) => {
            if (key === "password") setChangingPassword(true);
            if (key === "logout") logout.mutate();
          },
        }}
      >
        <Button type="text" data-testid="user-menu" aria-label={t("header.userMenu")}>
          <Space>
            <Avatar size="small" icon={<UserOutlined />} style={{ backgroundColor: "var(--ant-color-primary)" }} />
            <span>{props.operator.name}</span>
            <DownOutlined style={{ fontSize: 10 }} />
          </Space>
        </Button>
      </Dropdown>
      <ChangePasswordModal open={changingPassword} onClose={() => setChangingPassword(false)} />
    </>
  );
}
