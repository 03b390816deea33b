import { acceptCsvBodies } from "../csv-body";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { ErrorDto, ImportCsvBody, ImportQuery, ImportReportDto, WorkspaceParams, type ImportKind, type Permission } from "@siyu/contracts";
import { DEFAULT_IMPORT_SETTINGS, type CoreServices } from "@siyu/core";
import { requireWorkspace } from "../route-config";

export interface ImportsRoutesOptions {
  services: CoreServices;
  /** The largest CSV upload; default DEFAULT_IMPORT_SETTINGS.maxUploadBytes (50 MB). */
  bodyLimitBytes?: number;
  /** Told after an import, so the projector starts at once instead of at its next poll. */
  onIngested?: () => void;
}

const tags = ["Imports"];

const KINDS: readonly { kind: ImportKind; permission: Permission; summary: string; columns: string }[] = [
  {
    kind: "profiles",
    permission: "customers.manage",
    summary: "Import customers from a CSV file",
    columns:
      "Columns by header name: user_id, phone, email, wechat_unionid, wechat_openid + wechat_appid, wecom_external_userid, douyin_openid, " +
      "tmall_id (at least one), name, gender (male/female/unknown, 男/女), birthday (YYYY-MM-DD), city, registration_store (store code), " +
      "source_channel; any other column becomes a trait of that name.",
  },
  {
    kind: "orders",
    permission: "orders.write",
    summary: "Import orders from a CSV file",
    columns:
      "Columns by header name: order_id, user_id / phone / email (who ordered), total (decimal ≥ 0), currency (default: the workspace's), " +
      "ordered_at (ISO 8601, or 2026-11-01 08:00 in the workspace's time zone), store (code or id), coupon, and optionally one product: " +
      "product_id, sku, product_name, category, price, quantity. Each order's message id is order:<order_id>, as in POST /orders.",
  },
  {
    kind: "events",
    permission: "customers.manage",
    summary: "Import behaviour events from a CSV file",
    columns:
      "Columns by header name: event, timestamp (ISO 8601, Unix seconds or milliseconds, or 2026-11-01 08:00 in the workspace's time zone), " +
      "user_id or anonymous_id (who), message_id, channel, store (code or id); any other column becomes a property of the event. " +
      "Without message_id, a row's id is a hash of its content: the same file imported again adds nothing. " +
      "For a file without a header line, name its columns in ?header=user_id,item_id,category_id,event,timestamp.",
  },
];

/**
 * CSV uploads. The body is the file itself (`text/csv`); the answer is a report
 * of rows accepted, already present and rejected, with each rejected row's line,
 * column and reason. Importing the same file again adds nothing.
 */
export const importsRoutes: FastifyPluginAsyncZod<ImportsRoutesOptions> = async (app, options) => {
  const { services } = options;
  const bodyLimit = options.bodyLimitBytes ?? DEFAULT_IMPORT_SETTINGS.maxUploadBytes;

  // Scoped to this plugin: only these routes read CSV. A body without a type (curl -T, a bare
  // fetch of a File) or with curl's default form type is read as CSV too.
  acceptCsvBodies(app);

  for (const { kind, permission, summary, columns } of KINDS) {
    app.post(
      `/api/v1/workspaces/:workspaceId/imports/${kind}`,
      {
        bodyLimit,
        schema: {
          params: WorkspaceParams,
          querystring: ImportQuery,
          body: ImportCsvBody,
          response: { 200: ImportReportDto, 400: ErrorDto },
          consumes: ["text/csv"],
          tags,
          summary,
          description: `${columns} The header is line 1; 400 names a missing column. Valid rows are imported even when others are not.`,
        },
        config: { auth: "workspace", permission },
      },
      async (req) => {
        const report = await services.imports.importCsv(requireWorkspace(req), kind, req.body, {
          fileName: req.query.fileName,
          header: req.query.header?.split(",").map((c) => c.trim()),
        });
        if (report.accepted > 0) options.onIngested?.();
        return report;
      },
    );
  }
};
