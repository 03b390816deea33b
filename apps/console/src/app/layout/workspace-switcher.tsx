import { PlusOutlined } from "@ant-design/icons";
import type { MembershipDto } from "@siyu/contracts";
import { Button, Divider, Flex, Select, Tag } from "antd";
import { useState } from "react";
import { useLocation, useNavigate } from "react-router";
import { roleLabelKey } from "../../components/role-label";
import { CreateWorkspaceModal } from "../../features/workspaces";
import { useT } from "../../lib/i18n";
import { rememberWorkspaceId, switchWorkspacePath } from "../../lib/session";

export function WorkspaceSwitcher(props: { memberships: readonly MembershipDto[]; currentId: string }) {
  const t = useT();
  const navigate = useNavigate();
  const location = useLocation();
  const [creating, setCreating] = useState(false);
  const [open, setOpen] = useState(false);

  const go = (workspaceId: string, keepSection: boolean) => {
    rememberWorkspaceId(workspaceId);
    void navigate(keepSection ? switchWorkspacePath(location.pathname, workspaceId) : `/w/${workspaceId}/overview`);
  };

  return (
    <>
      <Select<string>
        data-testid="workspace-switcher"
        aria-label={t("header.workspace")}
        value={props.currentId}
        open={open}
        onDropdownVisibleChange={setOpen}
        onChange={(id) => go(id, true)}
        style={{ minWidth: 220, maxWidth: 320 }}
        popupMatchSelectWidth={false}
        options={props.memberships.map((m) => ({ value: m.workspace.id, label: m.workspace.name, membership: m }))}
        optionRender={(option) => {
          const membership = option.data.membership;
          return (
            <Flex justify="space-between" gap={12} data-testid={`workspace-option-${membership.workspace.slug}`}>
              <span>{membership.workspace.name}</span>
              <span>
                {membership.workspace.isDemo ? <Tag color="gold">{t("header.demo")}</Tag> : null}
                <Tag>{t(roleLabelKey(membership.role))}</Tag>
              </span>
            </Flex>
          );
        }}
        popupRender={(menu) => (
          <>
            {menu}
            <Divider style={{ margin: "4px 0" }} />
            <Button
              type="text"
              block
              icon={<PlusOutlined />}
              style={{ textAlign: "left" }}
              onClick={() => {
                setOpen(false);
                setCreating(true);
              }}
              data-testid="workspace-new"
            >
              {t("header.newWorkspace")}
            </Button>
          </>
        )}
      />
      <CreateWorkspaceModal
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(workspace) => {
          setCreating(false);
          go(workspace.id, false);
        }}
      />
    </>
  );
}
