import { PlusOutlined } from "@ant-design/icons";
import { STORE_STATUSES, type StoreDto } from "@siyu/contracts";
import { App, Button, Card, Flex, Input, Select, Typography } from "antd";
import { useState } from "react";
import { PageHeader } from "../../../components/page-header";
import { QueryErrorResult } from "../../../components/query-error-result";
import { useReportApiError } from "../../../lib/api";
import { useT } from "../../../lib/i18n";
import { FIRST_PAGE, currentCursor, pageNumber, popCursor, pushCursor } from "../../../lib/paging/cursor-stack";
import { useCurrentWorkspace } from "../../../lib/session";
import { useDeleteStore } from "../api/delete-store";
import { useStores } from "../api/get-stores";
import { StoreFormDrawer } from "./store-form-drawer";
import { StoreListTable } from "./store-list-table";

const PAGE_SIZE = 20;

type Filters = { q: string; city: string; status: StoreDto["status"] | undefined };

export function StoreListPage() {
  const t = useT();
  const { message } = App.useApp();
  const { workspaceId, workspace, can } = useCurrentWorkspace();
  const [filters, setFilters] = useState<Filters>({ q: "", city: "", status: undefined });
  const [cursors, setCursors] = useState(FIRST_PAGE);
  const [editing, setEditing] = useState<StoreDto | null | undefined>(undefined);
  const reportError = useReportApiError();
  const canManage = can("stores.manage");

  const stores = useStores(workspaceId, {
    limit: PAGE_SIZE,
    cursor: currentCursor(cursors),
    q: filters.q || undefined,
    city: filters.city || undefined,
    status: filters.status,
  });
  const remove = useDeleteStore(workspaceId);

  const applyFilters = (patch: Partial<Filters>) => {
    setFilters((prev) => ({ ...prev, ...patch }));
    setCursors(FIRST_PAGE);
  };

  return (
    <>
      <PageHeader
        title={t("stores.title")}
        description={t("stores.description")}
        extra={
          canManage ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing(null)} data-testid="store-create">
              {t("stores.create")}
            </Button>
          ) : null
        }
      />
      <Card>
        <Flex gap={8} wrap style={{ marginBottom: 16 }}>
          <Input.Search
            allowClear
            placeholder={t("stores.filter.search")}
            style={{ width: 280 }}
            onSearch={(q) => applyFilters({ q: q.trim() })}
            data-testid="store-search"
          />
          <Input.Search
            allowClear
            placeholder={t("stores.filter.city")}
            style={{ width: 180 }}
            onSearch={(city) => applyFilters({ city: city.trim() })}
          />
          <Select<StoreDto["status"] | "all">
            style={{ width: 140 }}
            value={filters.status ?? "all"}
            onChange={(status) => applyFilters({ status: status === "all" ? undefined : status })}
            options={[
              { value: "all", label: t("stores.filter.allStatuses") },
              ...STORE_STATUSES.map((status) => ({ value: status, label: t(`stores.status.${status}`) })),
            ]}
          />
        </Flex>
        {stores.isError ? (
          <QueryErrorResult error={stores.error} onRetry={() => void stores.refetch()} />
        ) : (
          <StoreListTable
            stores={stores.data?.items ?? []}
            loading={stores.isFetching}
            timeZone={workspace.timezone}
            canManage={canManage}
            deletingId={remove.isPending ? (remove.variables ?? null) : null}
            onEdit={(store) => setEditing(store)}
            onDelete={(store) =>
              remove.mutate(store.id, {
                onSuccess: () => void message.success(t("common.deleted")),
                onError: (error) => reportError(error),
              })
            }
          />
        )}
        <Flex justify="flex-end" align="center" gap={8} style={{ marginTop: 16 }}>
          <Typography.Text type="secondary">{t("common.pageNumber", { page: pageNumber(cursors) })}</Typography.Text>
          <Button disabled={cursors.length <= 1} onClick={() => setCursors(popCursor)} data-testid="store-prev-page">
            {t("common.previousPage")}
          </Button>
          <Button
            disabled={!stores.data?.nextCursor || stores.isPlaceholderData}
            onClick={() => setCursors((stack) => pushCursor(stack, stores.data?.nextCursor))}
            data-testid="store-next-page"
          >
            {t("common.nextPage")}
          </Button>
        </Flex>
      </Card>
      <StoreFormDrawer workspaceId={workspaceId} store={editing} onClose={() => setEditing(undefined)} />
    </>
  );
}
