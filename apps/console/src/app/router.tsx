import type { ReactNode } from "react";
import { Navigate, createBrowserRouter, type RouteObject } from "react-router";
import { RequirePermission } from "../components/require-permission";
import { AlertsPage } from "../features/alerts";
import { ApiKeysPage } from "../features/api-keys";
import { AttributionPage } from "../features/attribution";
import { AuditLogPage } from "../features/audit-log";
import { CustomerClvCard } from "../features/clv";
import { InvitePage, LoginPage } from "../features/auth";
import { CampaignsPage, OverviewPage, WeeklyReportPage } from "../features/dashboard";
import { CustomerListPage, CustomerProfilePage, IdentityConflictsPage, IdentityRulesPage } from "../features/customers";
import { ImportPage } from "../features/imports";
import { JourneyEditorPage, JourneyListPage } from "../features/journeys";
import { CustomerScoresCard, LifecyclePage, RfmPage } from "../features/scores";
import { CustomerEngagementCard, CustomerLoyaltyCard, LoyaltyPage } from "../features/loyalty";
import { BroadcastsPage, ChannelsPage, CustomerMessagesCard, MessagesPage, TemplatesPage } from "../features/messaging";
import { OperatorsPage } from "../features/operators";
import { RuleBuilder, SegmentBuilderPage, SegmentDetailPage, SegmentListPage } from "../features/segments";
import { AnalyticsPage } from "../features/explore";
import { StoreListPage } from "../features/stores";
import { CustomerTagsCard, TagManagerPage } from "../features/tags";
import { WorkspaceSettingsPage } from "../features/workspaces";
import { ComingSoonPage } from "./coming-soon-page";
import { HomeRedirect } from "./home-redirect";
import { WorkspaceLayout } from "./layout/workspace-layout";
import { MODULE_NAV, SETTINGS_NAV } from "./navigation";
import { NotFoundPage } from "./not-found-page";
import { RequireSession } from "./require-session";
import { RouteError } from "./route-error";

const SETTINGS_PAGES: Record<string, ReactNode> = {
  "settings/workspace": <WorkspaceSettingsPage />,
  "settings/stores": <StoreListPage />,
  "settings/operators": <OperatorsPage />,
  "settings/identity": <IdentityRulesPage />,
  "settings/api-keys": <ApiKeysPage />,
  "settings/audit-log": <AuditLogPage />,
};

/** Modules that have landed, with their sub-routes; the others still show "coming soon". */
const MODULE_ROUTES: Record<string, RouteObject[]> = {
  overview: [
    { path: "overview", element: <RequirePermission permission="analytics.read"><OverviewPage /></RequirePermission> },
    { path: "overview/campaigns", element: <RequirePermission permission="analytics.read"><CampaignsPage /></RequirePermission> },
    { path: "overview/weekly", element: <RequirePermission permission="analytics.read"><WeeklyReportPage /></RequirePermission> },
  ],
  customers: [
    { path: "customers", element: <RequirePermission permission="customers.read"><CustomerListPage /></RequirePermission> },
    { path: "customers/conflicts", element: <RequirePermission permission="customers.read"><IdentityConflictsPage /></RequirePermission> },
    // Either import opens the page; it offers only the kinds the role may import.
    { path: "customers/import", element: <RequirePermission permission={["customers.manage", "orders.write"]}><ImportPage /></RequirePermission> },
    {
      path: "customers/:profileId",
      element: (
        <RequirePermission permission="customers.read">
          <CustomerProfilePage
            summaryPanel={(profileId) => <CustomerClvCard profileId={profileId} />}
            sidePanel={(profileId) => (
              <>
                <CustomerLoyaltyCard profileId={profileId} />
                <CustomerEngagementCard profileId={profileId} />
                <CustomerTagsCard profileId={profileId} />
                <CustomerScoresCard profileId={profileId} />
                <CustomerMessagesCard profileId={profileId} />
              </>
            )}
          />
        </RequirePermission>
      ),
    },
  ],
  tags: [{ path: "tags", element: <RequirePermission permission="segments.read"><TagManagerPage /></RequirePermission> }],
  rfm: [{ path: "rfm", element: <RequirePermission permission="segments.read"><RfmPage /></RequirePermission> }],
  lifecycle: [{ path: "lifecycle", element: <RequirePermission permission="segments.read"><LifecyclePage /></RequirePermission> }],
  segments: [
    { path: "segments", element: <RequirePermission permission="segments.read"><SegmentListPage /></RequirePermission> },
    { path: "segments/new", element: <RequirePermission permission="segments.manage"><SegmentBuilderPage /></RequirePermission> },
    { path: "segments/:segmentId", element: <RequirePermission permission="segments.read"><SegmentDetailPage /></RequirePermission> },
    { path: "segments/:segmentId/edit", element: <RequirePermission permission="segments.manage"><SegmentBuilderPage /></RequirePermission> },
  ],
  analytics: [{ path: "analytics", element: <RequirePermission permission="analytics.read"><AnalyticsPage /></RequirePermission> }],
  loyalty: [{ path: "loyalty", element: <RequirePermission permission="loyalty.read"><LoyaltyPage ruleBuilder={(p) => <RuleBuilder {...p} />} /></RequirePermission> }],
  journeys: [
    { path: "journeys", element: <RequirePermission permission="journeys.read"><JourneyListPage /></RequirePermission> },
    { path: "journeys/broadcasts", element: <RequirePermission permission="journeys.read"><BroadcastsPage /></RequirePermission> },
    { path: "journeys/templates", element: <RequirePermission permission="journeys.read"><TemplatesPage /></RequirePermission> },
    { path: "journeys/messages", element: <RequirePermission permission="journeys.read"><MessagesPage /></RequirePermission> },
    { path: "journeys/channels", element: <RequirePermission permission="journeys.read"><ChannelsPage /></RequirePermission> },
    { path: "journeys/:journeyId", element: <RequirePermission permission="journeys.read"><JourneyEditorPage ruleBuilder={(p) => <RuleBuilder {...p} />} /></RequirePermission> },
  ],
  attribution: [{ path: "attribution", element: <RequirePermission permission="analytics.read"><AttributionPage /></RequirePermission> }],
  alerts: [{ path: "alerts", element: <RequirePermission permission="analytics.read"><AlertsPage /></RequirePermission> }],
};

export const PUBLIC_PATH_PREFIXES = ["/login", "/invite/"];

export function buildRoutes(): RouteObject[] {
  const workspaceRoutes: RouteObject[] = [
    { index: true, element: <Navigate to="overview" replace /> },
    ...MODULE_NAV.flatMap((item) => MODULE_ROUTES[item.path] ?? [{ path: item.path, element: <ComingSoonPage item={item} /> }]),
    { path: "settings", element: <Navigate to="workspace" replace /> },
    ...SETTINGS_NAV.map((item) => ({
      path: item.path,
      element: <RequirePermission permission={item.permission}>{SETTINGS_PAGES[item.path]}</RequirePermission>,
    })),
    { path: "*", element: <NotFoundPage /> },
  ];
  return [
    {
      errorElement: <RouteError />,
      children: [
        { path: "/login", element: <LoginPage /> },
        { path: "/invite/:token", element: <InvitePage /> },
        {
          element: <RequireSession />,
          children: [
            { index: true, element: <HomeRedirect /> },
            { path: "w/:workspaceId", element: <WorkspaceLayout />, children: workspaceRoutes },
          ],
        },
        { path: "*", element: <NotFoundPage /> },
      ],
    },
  ];
}

export function createAppRouter() {
  return createBrowserRouter(buildRoutes());
}

export type AppRouter = ReturnType<typeof createAppRouter>;
