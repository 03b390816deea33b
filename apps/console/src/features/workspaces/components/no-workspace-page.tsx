import { Button, Result } from "antd";
import { useState } from "react";
import { useNavigate } from "react-router";
import { useT } from "../../../lib/i18n";
import { rememberWorkspaceId } from "../../../lib/session";
import { CreateWorkspaceModal } from "./create-workspace-modal";

/** Shown to an operator who belongs to no workspace yet (e.g. every membership was removed). */
export function NoWorkspacePage() {
  const t = useT();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  return (
    <>
      <Result
        status="info"
        title={t("workspaces.none.title")}
        subTitle={t("workspaces.none.subtitle")}
        extra={
          <Button type="primary" onClick={() => setOpen(true)} data-testid="workspace-create">
            {t("workspaces.create.title")}
          </Button>
        }
      />
      <CreateWorkspaceModal
        open={open}
        onClose={() => setOpen(false)}
        onCreated={(workspace) => {
          setOpen(false);
          rememberWorkspaceId(workspace.id);
          void navigate(`/w/${workspace.id}/overview`);
        }}
      />
    </>
  );
}
