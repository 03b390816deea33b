import { UploadOutlined } from "@ant-design/icons";
import { Button, Card, Flex, Input, Select, Typography } from "antd";
import { useMemo, useState } from "react";
import { useNavigate, useSearchParams } from "react-router";
import { PageHeader } from "../../../components/page-header";
import { QueryErrorResult } from "../../../components/query-error-result";
import { useT } from "../../../lib/i18n";
import { useCurrentWorkspace } from "../../../lib/session";
import { useCustomers } from "../api/get-customers";
import { CustomerListTable } from "./customer-list-table";
import { CustomersTabs } from "./customers-tabs";

type OrdersFilter = "all" | "with" | "without";

function readOrdersFilter(value: string | null): OrdersFilter {
  return value === "with" || value === "without" ? value : "all";
}

/** Filters live in the URL, so "back" from a customer returns to the same search. */
export function CustomerListPage() {
  const t = useT();
  const navigate = useNavigate();
  const { workspaceId, workspace, can } = useCurrentWorkspace();
  const canImport = can("customers.manage") || can("orders.write");
  const [searchParams, setSearchParams] = useSearchParams();
  const q = searchParams.get("q")?.trim() ?? "";
  const orders = readOrdersFilter(searchParams.get("orders"));
  const [draft, setDraft] = useState(q);

  const customers = useCustomers(workspaceId, {
    q: q || undefined,
    hasOrders: orders === "all" ? undefined : orders === "with",
  });
  const items = useMemo(() => customers.data?.pages.flatMap((page) => page.items) ?? [], [customers.data]);

  const setFilter = (name: "q" | "orders", value: string) => {
    setSearchParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        if (value === "" || value === "all") next.delete(name);
        else next.set(name, value);
        return next;
      },
      { replace: true },
    );
  };

  return (
    <>
      <PageHeader
        title={t("customers.title")}
        description={t("customers.description")}
        extra={
          canImport ? (
            // The import page is its own feature: reached by its route, never imported from here.
            <Button icon={<UploadOutlined />} onClick={() => void navigate(`/w/${workspaceId}/customers/import`)} data-testid="customer-import">
              {t("customers.import")}
            </Button>
          ) : null
        }
      />
      <CustomersTabs active="list" />
      <Card>
        <Flex gap={8} wrap align="center" style={{ marginBottom: 16 }}>
          <Input.Search
            allowClear
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            placeholder={t("customers.filter.search")}
            style={{ width: 320 }}
            onSearch={(value) => setFilter("q", value.trim())}
            enterButton
            data-testid="customer-search"
          />
          <Select<OrdersFilter>
            style={{ width: 160 }}
            value={orders}
            onChange={(value) => setFilter("orders", value)}
            options={[
              { value: "all", label: t("customers.filter.orders.all") },
              { value: "with", label: t("customers.filter.orders.with") },
              { value: "without", label: t("customers.filter.orders.without") },
            ]}
            data-testid="customer-orders-filter"
          />
          {q ? <Typography.Text type="secondary">{t("customers.filter.active", { q })}</Typography.Text> : null}
        </Flex>
        {customers.isError ? (
          <QueryErrorResult error={customers.error} onRetry={() => void customers.refetch()} />
        ) : (
          <CustomerListTable
            customers={items}
            loading={customers.isPending || (customers.isFetching && customers.isPlaceholderData)}
            timeZone={workspace.timezone}
            emptyText={q ? t("customers.emptySearch", { q }) : t("customers.empty")}
            onOpen={(profileId) => void navigate(`/w/${workspaceId}/customers/${profileId}`)}
          />
        )}
        <Flex justify="center" style={{ marginTop: 16 }}>
          {customers.hasNextPage ? (
            <Button
              onClick={() => void customers.fetchNextPage()}
              loading={customers.isFetchingNextPage}
              disabled={customers.isPlaceholderData}
              data-testid="customer-load-more"
            >
              {t("common.loadMore")}
            </Button>
          ) : items.length > 0 ? (
            <Typography.Text type="secondary">{t("customers.end", { count: items.length })}</Typography.Text>
          ) : null}
        </Flex>
      </Card>
    </>
  );
}
