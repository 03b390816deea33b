import { ArrowLeftOutlined } from "@ant-design/icons";
import { Alert, Button, Card, Col, Result, Row, Skeleton, Space, Typography } from "antd";
import { useEffect, type ReactNode } from "react";
import { Link, useLocation, useNavigate, useParams } from "react-router";
import { CopyButton } from "../../../components/copy-button";
import { PageHeader } from "../../../components/page-header";
import { QueryErrorResult } from "../../../components/query-error-result";
import { isApiError } from "../../../lib/api";
import { formatPhone } from "../../../lib/format/format-phone";
import { useT } from "../../../lib/i18n";
import { useCurrentWorkspace } from "../../../lib/session";
import { useCustomer } from "../api/get-customer";
import { CustomerConsentsCard } from "./customer-consents-card";
import { CustomerEventCountsTable } from "./customer-event-counts-table";
import { CustomerIdentifiersTable } from "./customer-identifiers-table";
import { CustomerMergeHistory } from "./customer-merge-history";
import { CustomerOrdersTable } from "./customer-orders-table";
import { CustomerStatsCard } from "./customer-stats-card";
import { CustomerTimeline } from "./customer-timeline";
import { CustomerTraitsCard } from "./customer-traits-card";

type LocationState = { mergedFrom?: string } | null;

/** Customer 360: who the person is across channels, what they did, and how their profile was assembled. */
/**
 * Cards other features put on the page (wired in the router, since features never import each other):
 * `summaryPanel` spans the page under the stats, `sidePanel` stacks in the right-hand column.
 */
export function CustomerProfilePage(props: { summaryPanel?: (profileId: string) => ReactNode; sidePanel?: (profileId: string) => ReactNode } = {}) {
  const t = useT();
  const navigate = useNavigate();
  const location = useLocation();
  const { profileId = "" } = useParams();
  const { workspaceId } = useCurrentWorkspace();
  const customer = useCustomer(workspaceId, profileId);
  const listPath = `/w/${workspaceId}/customers`;
  const mergedFrom = (location.state as LocationState)?.mergedFrom;

  const resolvedId = customer.data?.id;
  useEffect(() => {
    // An absorbed profile's id answers with the survivor: move the URL to the survivor's id.
    if (resolvedId && resolvedId !== profileId) {
      void navigate(`${listPath}/${resolvedId}`, { replace: true, state: { mergedFrom: profileId } });
    }
  }, [resolvedId, profileId, listPath, navigate]);

  const back = (
    <Link to={listPath} data-testid="customer-back">
      <ArrowLeftOutlined /> {t("customers.back")}
    </Link>
  );

  if (customer.isError) {
    if (isApiError(customer.error) && customer.error.status === 404) {
      return (
        <Result
          status="404"
          title={t("customers.profile.notFound")}
          extra={
            <Button type="primary" onClick={() => void navigate(listPath)}>
              {t("customers.back")}
            </Button>
          }
        />
      );
    }
    return (
      <>
        {back}
        <QueryErrorResult error={customer.error} onRetry={() => void customer.refetch()} />
      </>
    );
  }

  const profile = customer.data;
  if (!profile || profile.id !== profileId) {
    return (
      <>
        {back}
        <Card style={{ marginTop: 16 }}>
          <Skeleton active paragraph={{ rows: 6 }} />
        </Card>
      </>
    );
  }

  return (
    <div data-testid="customer-profile">
      <div style={{ marginBottom: 8 }}>{back}</div>
      <PageHeader
        title={
          <span data-testid="customer-name">
            {profile.name ?? <Typography.Text type="secondary">{t("customers.unnamed")}</Typography.Text>}
          </span>
        }
        description={
          <Space size="middle" wrap>
            {profile.phone ? <span data-testid="customer-phone">{formatPhone(profile.phone)}</span> : null}
            <span>
              {t("customers.profile.id")}: <Typography.Text code>{profile.id}</Typography.Text>
              <CopyButton text={profile.id} />
            </span>
          </Space>
        }
      />
      {mergedFrom ? (
        <Alert
          type="info"
          showIcon
          closable
          style={{ marginBottom: 16 }}
          message={t("customers.profile.mergedRedirect")}
          description={<Typography.Text code>{mergedFrom}</Typography.Text>}
          data-testid="customer-merged-redirect"
        />
      ) : null}
      <Space direction="vertical" size={16} style={{ width: "100%" }}>
        <CustomerStatsCard profile={profile} />
        {props.summaryPanel?.(profile.id)}
        <CustomerOrdersTable orders={profile.recentOrders} />
        <Row gutter={[16, 16]}>
          <Col xs={24} xl={14}>
            <Space direction="vertical" size={16} style={{ width: "100%" }}>
              <CustomerIdentifiersTable identifiers={profile.identifiers} />
              <CustomerMergeHistory profile={profile} />
              <CustomerTimeline profileId={profile.id} />
            </Space>
          </Col>
          <Col xs={24} xl={10}>
            <Space direction="vertical" size={16} style={{ width: "100%" }}>
              {props.sidePanel?.(profile.id)}
              <CustomerTraitsCard traits={profile.traits} />
              <CustomerConsentsCard profileId={profile.id} />
              <CustomerEventCountsTable eventCounts={profile.eventCounts} />
            </Space>
          </Col>
        </Row>
      </Space>
    </div>
  );
}
