import { PlusOutlined } from "@ant-design/icons";
import { COUPON_KINDS, type CouponTemplateDto } from "@siyu/contracts";
import { App, Button, DatePicker, Drawer, Flex, Form, Input, InputNumber, Popconfirm, Radio, Select, Space, Switch, Table, Tag } from "antd";
import { useState } from "react";
import { QueryErrorResult } from "../../../components/query-error-result";
import { useReportApiError } from "../../../lib/api";
import { useT } from "../../../lib/i18n";
import { useCurrentWorkspace } from "../../../lib/session";
import { useMoney } from "../use-money";
import { useArchiveCouponTemplate, useCouponTemplates, useCreateCouponTemplate } from "../api/coupon-templates";
import { CouponIssueDialog } from "./coupon-issue-dialog";
import { CouponScopeFields } from "./coupon-scope-fields";
import { COUPON_FORM_FIELDS, EMPTY_COUPON_FORM, couponFormToBody, describeValue, type CouponFormValues } from "../coupon-form-values";

export function CouponTemplatesTab() {
  const t = useT();
  const { message } = App.useApp();
  const { workspaceId, can } = useCurrentWorkspace();
  const { currency, perUnit, money } = useMoney();
  const templates = useCouponTemplates(workspaceId);
  const create = useCreateCouponTemplate(workspaceId);
  const archive = useArchiveCouponTemplate(workspaceId);
  const reportError = useReportApiError();
  const [creating, setCreating] = useState(false);
  const [issuing, setIssuing] = useState<CouponTemplateDto | null>(null);
  const [form] = Form.useForm<CouponFormValues>();
  const kind = Form.useWatch("kind", form);
  const validityKind = Form.useWatch("validityKind", form);
  const canManage = can("loyalty.manage");

  if (templates.isError) return <QueryErrorResult error={templates.error} onRetry={() => void templates.refetch()} />;

  const submit = (values: CouponFormValues) =>
    create.mutate(couponFormToBody(values, perUnit), {
      onSuccess: () => {
        void message.success(t("common.saved"));
        setCreating(false);
      },
      onError: (error) => reportError(error, form, COUPON_FORM_FIELDS),
    });

  return (
    <>
      <Flex justify="flex-end" style={{ marginBottom: 12 }}>
        {canManage ? (
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => {
              form.resetFields();
              form.setFieldsValue(EMPTY_COUPON_FORM);
              setCreating(true);
            }}
            data-testid="coupon-template-new"
          >
            {t("loyalty.templates.new")}
          </Button>
        ) : null}
      </Flex>
      <Table<CouponTemplateDto>
        rowKey="id"
        loading={templates.isLoading}
        dataSource={templates.data?.items ?? []}
        pagination={false}
        data-testid="coupon-templates"
        columns={[
          { title: t("loyalty.templates.name"), dataIndex: "name" },
          { title: t("loyalty.templates.kind"), dataIndex: "kind", render: (k: CouponTemplateDto["kind"]) => t(`loyalty.kind.${k}`) },
          { title: t("loyalty.templates.value"), key: "value", render: (_: unknown, row) => describeValue(row, money) },
          {
            title: t("loyalty.templates.validity"),
            key: "validity",
            render: (_: unknown, row) =>
              row.validity.kind === "relative"
                ? t("loyalty.templates.validityDays", { days: row.validity.days })
                : `${new Date(row.validity.from).toLocaleDateString()} – ${new Date(row.validity.until).toLocaleDateString()}`,
          },
          { title: t("loyalty.templates.issued"), key: "issued", render: (_: unknown, row) => `${row.issuedCount} / ${row.totalStock ?? "∞"}` },
          { title: t("common.status"), dataIndex: "status", render: (s: CouponTemplateDto["status"]) => <Tag color={s === "active" ? "green" : "default"}>{t(`loyalty.status.${s}`)}</Tag> },
          ...(canManage
            ? [
                {
                  title: "",
                  key: "actions",
                  render: (_: unknown, row: CouponTemplateDto) => (
                    <Space>
                      <Button size="small" onClick={() => setIssuing(row)} disabled={row.status !== "active"} data-testid={`coupon-issue-${row.name}`}>
                        {t("loyalty.issue.action")}
                      </Button>
                      <Popconfirm title={t("loyalty.templates.archiveConfirm")} onConfirm={() => archive.mutate(row.id, { onError: (e) => reportError(e) })}>
                        <Button size="small" danger>
                          {t("loyalty.templates.archive")}
                        </Button>
                      </Popconfirm>
                    </Space>
                  ),
                },
              ]
            : []),
        ]}
      />
      <Drawer
        open={creating}
        onClose={() => setCreating(false)}
        width={480}
        title={t("loyalty.templates.new")}
        destroyOnHidden
        extra={
          <Flex gap={8}>
            <Button onClick={() => setCreating(false)}>{t("common.cancel")}</Button>
            <Button type="primary" loading={create.isPending} onClick={() => form.submit()} data-testid="coupon-template-save">
              {t("common.save")}
            </Button>
          </Flex>
        }
      >
        <Form<CouponFormValues> form={form} layout="vertical" requiredMark={false} onFinish={submit} initialValues={EMPTY_COUPON_FORM}>
          <Form.Item name="name" label={t("loyalty.templates.name")} rules={[{ required: true, whitespace: true, message: t("loyalty.validation.required") }]}>
            <Input maxLength={200} data-testid="coupon-name" />
          </Form.Item>
          <Form.Item name="kind" label={t("loyalty.templates.kind")}>
            <Select options={COUPON_KINDS.map((k) => ({ value: k, label: t(`loyalty.kind.${k}`) }))} data-testid="coupon-kind" />
          </Form.Item>
          {kind === "fixed" || kind === "threshold" || kind === "shipping" ? (
            <Form.Item name="amount" label={t("loyalty.templates.amount", { currency })}>
              <InputNumber<number> min={0.01} step={1} style={{ width: "100%" }} data-testid="coupon-amount" />
            </Form.Item>
          ) : null}
          {kind === "threshold" ? (
            <Form.Item name="threshold" label={t("loyalty.templates.threshold", { currency })}>
              <InputNumber<number> min={0.01} step={1} style={{ width: "100%" }} />
            </Form.Item>
          ) : null}
          {kind === "percent" ? (
            <Space>
              <Form.Item name="percentOff" label={t("loyalty.templates.percentOff")}>
                <InputNumber<number> min={1} max={99} precision={0} />
              </Form.Item>
              <Form.Item name="cap" label={t("loyalty.templates.cap", { currency })}>
                <InputNumber<number> min={0.01} />
              </Form.Item>
            </Space>
          ) : null}
          {kind === "free_item" ? (
            <Form.Item name="itemSku" label={t("loyalty.templates.itemSku")}>
              <Input maxLength={200} />
            </Form.Item>
          ) : null}
          <Form.Item name="validityKind" label={t("loyalty.templates.validity")}>
            <Radio.Group
              optionType="button"
              options={[
                { value: "relative", label: t("loyalty.templates.validityRelative") },
                { value: "fixed", label: t("loyalty.templates.validityFixed") },
              ]}
            />
          </Form.Item>
          {validityKind === "fixed" ? (
            <Form.Item
              name="range"
              label={t("loyalty.templates.validityFixed")}
              getValueProps={() => ({})}
              normalize={(value: [{ toISOString(): string }, { toISOString(): string }] | null) => (value ? [value[0].toISOString(), value[1].toISOString()] : undefined)}
            >
              <DatePicker.RangePicker showTime />
            </Form.Item>
          ) : (
            <Form.Item name="days" label={t("loyalty.templates.days")}>
              <InputNumber<number> min={1} max={3650} precision={0} data-testid="coupon-days" />
            </Form.Item>
          )}
          <Space wrap>
            <Form.Item name="totalStock" label={t("loyalty.templates.totalStock")} extra={t("loyalty.templates.emptyUnlimited")}>
              <InputNumber<number> min={0} precision={0} data-testid="coupon-stock" />
            </Form.Item>
            <Form.Item name="perMemberLimit" label={t("loyalty.templates.perMemberLimit")}>
              <InputNumber<number> min={1} precision={0} />
            </Form.Item>
            <Form.Item name="perMemberDailyLimit" label={t("loyalty.templates.perMemberDailyLimit")}>
              <InputNumber<number> min={1} precision={0} />
            </Form.Item>
          </Space>
          <Form.Item name="pointsCost" label={t("loyalty.templates.pointsCost")} extra={t("loyalty.templates.pointsCostHelp")}>
            <InputNumber<number> min={1} precision={0} />
          </Form.Item>
          <Form.Item name="claimable" label={t("loyalty.templates.claimable")} extra={t("loyalty.templates.claimableHelp")} valuePropName="checked">
            <Switch data-testid="coupon-claimable" />
          </Form.Item>
          <Form.Item name="storeIds" label={t("loyalty.templates.storeIds")} extra={t("loyalty.templates.storeIdsHelp")}>
            <Select mode="tags" tokenSeparators={[",", " "]} />
          </Form.Item>
          <CouponScopeFields />
        </Form>
      </Drawer>
      <CouponIssueDialog template={issuing} onClose={() => setIssuing(null)} />
    </>
  );
}
