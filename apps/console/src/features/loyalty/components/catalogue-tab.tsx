import { PlusOutlined } from "@ant-design/icons";
import type { CatalogueItemDto } from "@siyu/contracts";
import { App, Button, DatePicker, Drawer, Flex, Form, Input, InputNumber, Modal, Popconfirm, Radio, Select, Space, Table, Tag, Typography } from "antd";
import { useState } from "react";
import { QueryErrorResult } from "../../../components/query-error-result";
import { useReportApiError } from "../../../lib/api";
import { useT } from "../../../lib/i18n";
import { useCurrentWorkspace } from "../../../lib/session";
import { useArchiveCatalogueItem, useCatalogueItems, useRedeemItem, useSaveCatalogueItem } from "../api/catalogue";
import { useCouponTemplates } from "../api/coupon-templates";
import { EMPTY_ITEM_FORM, ITEM_FORM_FIELDS, formToItem, itemToForm, type ItemFormValues } from "../catalogue-form-values";
import { useMoney } from "../use-money";
import { RedemptionsTable } from "./redemptions-table";

/** The redemption catalogue: items with their stock, an editor, redeeming for a customer, and the orders below. */
export function CatalogueTab() {
  const t = useT();
  const { message } = App.useApp();
  const { workspaceId, can } = useCurrentWorkspace();
  const { currency, perUnit, money } = useMoney();
  const items = useCatalogueItems(workspaceId);
  const templates = useCouponTemplates(workspaceId);
  const save = useSaveCatalogueItem(workspaceId);
  const archive = useArchiveCatalogueItem(workspaceId);
  const redeem = useRedeemItem(workspaceId);
  const reportError = useReportApiError();
  const [editing, setEditing] = useState<CatalogueItemDto | "new" | null>(null);
  const [redeeming, setRedeeming] = useState<CatalogueItemDto | null>(null);
  const [form] = Form.useForm<ItemFormValues>();
  const [redeemForm] = Form.useForm<{ profileId: string; payWith?: "stored_value" | "external" }>();
  const kind = Form.useWatch("kind", form);
  const canManage = can("loyalty.manage");

  if (items.isError) return <QueryErrorResult error={items.error} onRetry={() => void items.refetch()} />;

  const open = (item: CatalogueItemDto | "new") => {
    form.resetFields();
    form.setFieldsValue(item === "new" ? EMPTY_ITEM_FORM : itemToForm(item, perUnit));
    setEditing(item);
  };

  const submit = (values: ItemFormValues) =>
    save.mutate(
      { id: editing === "new" || editing === null ? null : editing.id, body: formToItem(values, perUnit) },
      {
        onSuccess: () => {
          void message.success(t("common.saved"));
          setEditing(null);
        },
        onError: (error) => reportError(error, form, ITEM_FORM_FIELDS),
      },
    );

  const submitRedeem = (values: { profileId: string; payWith?: "stored_value" | "external" }) => {
    if (!redeeming) return;
    redeem.mutate(
      { profileId: values.profileId.trim(), body: { itemId: redeeming.id, payWith: values.payWith ?? null, idempotencyKey: crypto.randomUUID() } },
      {
        onSuccess: (result) => {
          void message.success(t("loyalty.catalogue.redeemed.ok", { points: result.balance.available }));
          setRedeeming(null);
          redeemForm.resetFields();
        },
        onError: (error) => reportError(error, redeemForm, ["profileId", "payWith"]),
      },
    );
  };

  const price = (row: CatalogueItemDto) => `${row.pointsCost} ${t("loyalty.catalogue.pointsCost")}${row.cashMinor === null ? "" : ` + ${money(row.cashMinor)}`}`;

  return (
    <>
      <Flex justify="space-between" align="center" style={{ marginBottom: 12 }}>
        <Typography.Title level={5} style={{ margin: 0 }}>
          {t("loyalty.catalogue.items")}
        </Typography.Title>
        {canManage ? (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => open("new")} data-testid="catalogue-item-new">
            {t("loyalty.catalogue.new")}
          </Button>
        ) : null}
      </Flex>
      <Table<CatalogueItemDto>
        rowKey="id"
        loading={items.isLoading}
        dataSource={items.data?.items ?? []}
        pagination={false}
        data-testid="catalogue-items"
        columns={[
          { title: t("loyalty.catalogue.name"), dataIndex: "name" },
          { title: t("loyalty.catalogue.kind"), dataIndex: "kind", render: (k: CatalogueItemDto["kind"]) => t(`loyalty.catalogue.kind.${k}`) },
          { title: t("loyalty.catalogue.price"), key: "price", render: (_: unknown, row) => price(row) },
          { title: t("loyalty.catalogue.stock"), key: "stock", render: (_: unknown, row) => <span data-testid={`catalogue-stock-${row.name}`}>{row.stock ?? "∞"}</span> },
          { title: t("loyalty.catalogue.redeemed"), dataIndex: "redeemedCount" },
          { title: t("common.status"), dataIndex: "status", render: (s: CatalogueItemDto["status"]) => <Tag color={s === "active" ? "green" : "default"}>{t(`loyalty.status.${s}`)}</Tag> },
          ...(canManage
            ? [
                {
                  title: "",
                  key: "actions",
                  render: (_: unknown, row: CatalogueItemDto) => (
                    <Space>
                      <Button size="small" onClick={() => setRedeeming(row)} disabled={row.status !== "active"} data-testid={`catalogue-redeem-${row.name}`}>
                        {t("loyalty.catalogue.redeem")}
                      </Button>
                      <Button size="small" onClick={() => open(row)}>
                        {t("common.edit")}
                      </Button>
                      <Popconfirm title={t("loyalty.catalogue.archiveConfirm")} onConfirm={() => archive.mutate(row.id, { onError: (e) => reportError(e) })}>
                        <Button size="small" danger>
                          {t("loyalty.catalogue.archive")}
                        </Button>
                      </Popconfirm>
                    </Space>
                  ),
                },
              ]
            : []),
        ]}
      />
      <RedemptionsTable />
      <Drawer
        open={editing !== null}
        onClose={() => setEditing(null)}
        width={480}
        title={t(editing === "new" ? "loyalty.catalogue.new" : "loyalty.catalogue.edit")}
        destroyOnHidden
        extra={
          <Flex gap={8}>
            <Button onClick={() => setEditing(null)}>{t("common.cancel")}</Button>
            <Button type="primary" loading={save.isPending} onClick={() => form.submit()} data-testid="catalogue-item-save">
              {t("common.save")}
            </Button>
          </Flex>
        }
      >
        <Form<ItemFormValues> form={form} layout="vertical" requiredMark={false} onFinish={submit} initialValues={EMPTY_ITEM_FORM}>
          <Form.Item name="kind" label={t("loyalty.catalogue.kind")}>
            <Radio.Group optionType="button" options={(["goods", "coupon"] as const).map((k) => ({ value: k, label: t(`loyalty.catalogue.kind.${k}`) }))} />
          </Form.Item>
          <Form.Item name="name" label={t("loyalty.catalogue.name")} rules={[{ required: true, whitespace: true, message: t("loyalty.validation.required") }]}>
            <Input maxLength={200} data-testid="catalogue-item-name" />
          </Form.Item>
          {kind === "coupon" ? (
            <Form.Item name="templateId" label={t("loyalty.catalogue.template")} rules={[{ required: true, message: t("loyalty.validation.required") }]}>
              <Select options={(templates.data?.items ?? []).map((tpl) => ({ value: tpl.id, label: tpl.name }))} />
            </Form.Item>
          ) : (
            <Form.Item name="sku" label={t("loyalty.catalogue.sku")} rules={[{ required: true, whitespace: true, message: t("loyalty.validation.required") }]}>
              <Input maxLength={200} data-testid="catalogue-item-sku" />
            </Form.Item>
          )}
          <Space wrap>
            <Form.Item name="pointsCost" label={t("loyalty.catalogue.pointsCost")}>
              <InputNumber<number> min={0} precision={0} data-testid="catalogue-item-points" />
            </Form.Item>
            {kind === "goods" ? (
              <>
                <Form.Item name="cash" label={t("loyalty.catalogue.cash", { currency })} extra={t("loyalty.catalogue.cashHelp")}>
                  <InputNumber<number> min={0.01} />
                </Form.Item>
                <Form.Item name="stock" label={t("loyalty.catalogue.stock")} extra={t("loyalty.catalogue.stockHelp")}>
                  <InputNumber<number> min={0} precision={0} data-testid="catalogue-item-stock" />
                </Form.Item>
              </>
            ) : null}
          </Space>
          <Space wrap>
            <Form.Item name="perMemberLimit" label={t("loyalty.catalogue.perMemberLimit")}>
              <InputNumber<number> min={1} precision={0} />
            </Form.Item>
            <Form.Item name="perMemberDailyLimit" label={t("loyalty.catalogue.perMemberDailyLimit")}>
              <InputNumber<number> min={1} precision={0} />
            </Form.Item>
          </Space>
          <Form.Item
            name="range"
            label={t("loyalty.catalogue.available")}
            getValueProps={() => ({})}
            normalize={(value: [{ toISOString(): string }, { toISOString(): string }] | null) => (value ? [value[0].toISOString(), value[1].toISOString()] : undefined)}
          >
            <DatePicker.RangePicker showTime allowEmpty={[true, true]} />
          </Form.Item>
          <Form.Item name="description" label={t("loyalty.catalogue.description")}>
            <Input.TextArea autoSize={{ minRows: 2, maxRows: 5 }} maxLength={2000} />
          </Form.Item>
          <Form.Item name="imageUrl" label={t("loyalty.catalogue.imageUrl")}>
            <Input maxLength={2000} placeholder="https://" />
          </Form.Item>
          <Form.Item name="storeIds" label={t("loyalty.catalogue.storeIds")} extra={t("loyalty.catalogue.storeIdsHelp")}>
            <Select mode="tags" tokenSeparators={[",", " "]} />
          </Form.Item>
          <Form.Item name="status" label={t("common.status")}>
            <Radio.Group optionType="button" options={(["active", "paused"] as const).map((s) => ({ value: s, label: t(`loyalty.status.${s}`) }))} />
          </Form.Item>
        </Form>
      </Drawer>
      <Modal
        open={redeeming !== null}
        title={`${t("loyalty.catalogue.redeem")}: ${redeeming?.name ?? ""}`}
        onCancel={() => setRedeeming(null)}
        onOk={() => redeemForm.submit()}
        okButtonProps={{ loading: redeem.isPending, ...{ "data-testid": "catalogue-redeem-ok" } }}
        destroyOnHidden
      >
        <Typography.Paragraph type="secondary">{redeeming ? price(redeeming) : null}</Typography.Paragraph>
        <Form form={redeemForm} layout="vertical" onFinish={submitRedeem}>
          <Form.Item name="profileId" label={t("loyalty.catalogue.profileId")} rules={[{ required: true, whitespace: true, message: t("loyalty.validation.required") }]}>
            <Input data-testid="catalogue-redeem-profile" />
          </Form.Item>
          {redeeming?.cashMinor !== null && redeeming?.cashMinor !== undefined ? (
            <Form.Item name="payWith" label={t("loyalty.catalogue.payWith")} initialValue="stored_value">
              <Radio.Group options={(["stored_value", "external"] as const).map((p) => ({ value: p, label: t(`loyalty.catalogue.payWith.${p}`) }))} />
            </Form.Item>
          ) : null}
        </Form>
      </Modal>
    </>
  );
}
