import { KeyOutlined } from "@ant-design/icons";
import type { CreatedApiKeyDto } from "@siyu/contracts";
import { Button, Card } from "antd";
import { useState } from "react";
import { PageHeader } from "../../../components/page-header";
import { QueryErrorResult } from "../../../components/query-error-result";
import { useT } from "../../../lib/i18n";
import { useCurrentWorkspace } from "../../../lib/session";
import { useApiKeys } from "../api/get-api-keys";
import { ApiKeyListTable } from "./api-key-list-table";
import { ApiKeySecretModal } from "./api-key-secret-modal";
import { CreateApiKeyModal } from "./create-api-key-modal";

export function ApiKeysPage() {
  const t = useT();
  const { workspaceId, workspace, can } = useCurrentWorkspace();
  const canManage = can("api_keys.manage");
  const apiKeys = useApiKeys(workspaceId);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedApiKeyDto | null>(null);

  return (
    <>
      <PageHeader
        title={t("apiKeys.title")}
        description={t("apiKeys.description")}
        extra={
          canManage ? (
            <Button type="primary" icon={<KeyOutlined />} onClick={() => setCreating(true)} data-testid="api-key-create">
              {t("apiKeys.create.title")}
            </Button>
          ) : null
        }
      />
      <Card>
        {apiKeys.isError ? (
          <QueryErrorResult error={apiKeys.error} onRetry={() => void apiKeys.refetch()} />
        ) : (
          <ApiKeyListTable
            workspaceId={workspaceId}
            apiKeys={apiKeys.data?.items ?? []}
            loading={apiKeys.isPending}
            timeZone={workspace.timezone}
            canManage={canManage}
          />
        )}
      </Card>
      <CreateApiKeyModal
        workspaceId={workspaceId}
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(result) => {
          setCreating(false);
          setCreated(result);
        }}
      />
      <ApiKeySecretModal created={created} onClose={() => setCreated(null)} />
    </>
  );
}
