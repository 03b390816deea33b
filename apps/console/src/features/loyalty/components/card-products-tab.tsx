import { PlusOutlined } from "@ant-design/icons";
import type { CardProductDto, CreateCardProductInput } from "@siyu/contracts";
import { App, Button, Drawer, Flex, Form, Input, InputNumber, Popconfirm, Radio, Space, Table, Tag } from "antd";
import { useState } from "react";
import { QueryErrorResult } from "../../../components/query-error-result";
import { useReportApiError } from "../../../lib/api";
import { useT } from "../../../lib/i18n";
import { useCurrentWorkspace } from "../../../lib/session";
import { useArchiveCardProduct, useCardProducts, useCreateCardProduct } from "../api/loyalty-value";
import { useMoney } from "../use-money";

type CardFormValues = { name: string; kind: "times" | "annual"; uses: number | null; dailyLimit: number | null; validityDays: number; price: number; storeIds: string };
const FIELDS = ["name", "kind", "uses", "dailyLimit", "validityDays", "price", "storeIds"];

/** Times-card and annual-card products: list with issued counts, create, archive. */
export function CardProductsTab() {
  const t = useT();
  const { message } = App.useApp();
  const { workspaceId, can } = useCurrentWorkspace();
  const { currency, perUnit, money } = useMoney();
  const products = useCardProducts(workspaceId);
  const create = useCreateCardProduct(workspaceId);
  const archive = useArchiveCardProduct(workspaceId);
  const reportError = useReportApiError();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<CardFormValues>();
  const kind = Form.useWatch("kind", form);

  if (products.isError) return <QueryErrorResult error={products.error} onRetry={() => void products.refetch()} />;

  const submit = (v: CardFormValues) => {
    const storeIds = v.storeIds
      ?.split(/[\s,]+/)
      .map((s) => s.trim())
      .filter(Boolean);
    const body: CreateCardProductInput = {
      name: v.name,
      kind: v.kind,
      uses: v.kind === "times" ? v.uses : null,
      dailyLimit: v.kind === "annual" ? (v.dailyLimit ?? null) : null,
      validityDays: v.validityDays,
      priceMinor: Math.round((v.price ?? 0) * perUnit),
      storeIds: storeIds && storeIds.length > 0 ? storeIds : null,
    };
    create.mutate(body, {
      onSuccess: () => {
        void message.success(t("common.saved"));
        setOpen(false);
      },
      onError: (error) => reportError(error, form, FIELDS),
    });
  };

  return (
    <>
      <Flex justify="flex-end" style={{ marginBottom: 12 }}>
        {can("loyalty.manage") ? (
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => {
              form.resetFields();
              form.setFieldsValue({ kind: "times", uses: 12, validityDays: 365, price: 0, storeIds: "" });
              setOpen(true);
            }}
            data-testid="new-card-product"
          >
            {t("loyalty.cards.new")}
          </Button>
        ) : null}
      </Flex>
      <Table<CardProductDto>
        rowKey="id"
        size="small"
        loading={products.isLoading}
        dataSource={products.data?.items ?? []}
        pagination={false}
        data-testid="card-products"
        columns={[
          { title: t("loyalty.cards.name"), dataIndex: "name" },
          { title: t("loyalty.cards.kind"), dataIndex: "kind", render: (k: CardProductDto["kind"]) => <Tag>{t(`loyalty.cards.kind.${k}`)}</Tag> },
          {
            title: t("loyalty.cards.uses"),
            key: "uses",
            render: (_: unknown, p: CardProductDto) =>
              p.kind === "times" ? p.uses : p.dailyLimit ? t("loyalty.cards.perDay", { limit: p.dailyLimit }) : t("loyalty.cards.unlimited"),
          },
          { title: t("loyalty.cards.validityDays"), dataIndex: "validityDays", align: "right" },
          { title: t("loyalty.cards.price"), dataIndex: "priceMinor", align: "right", render: (v: number) => money(v) },
          { title: t("loyalty.cards.stores"), dataIndex: "storeIds", render: (s: string[] | null) => (s ? s.join(", ") : t("loyalty.cards.allStores")) },
          { title: t("loyalty.cards.issued"), dataIndex: "issuedCount", align: "right" },
          {
            title: "",
            key: "actions",
            render: (_: unknown, p: CardProductDto) =>
              can("loyalty.manage") ? (
                <Popconfirm title={t("loyalty.cards.archiveConfirm")} onConfirm={() => archive.mutate(p.id, { onError: (e) => reportError(e) })}>
                  <Button size="small" type="link">
                    {t("loyalty.cards.archive")}
                  </Button>
                </Popconfirm>
              ) : null,
          },
        ]}
      />
      <Drawer title={t("loyalty.cards.new")} open={open} onClose={() => setOpen(false)} width={440} destroyOnHidden>
        <Form<CardFormValues> form={form} layout="vertical" onFinish={submit} requiredMark={false}>
          <Form.Item name="name" label={t("loyalty.cards.name")} rules={[{ required: true, whitespace: true }]}>
            <Input maxLength={200} data-testid="card-name" />
          </Form.Item>
          <Form.Item name="kind" label={t("loyalty.cards.kind")}>
            <Radio.Group
              options={[
                { value: "times", label: t("loyalty.cards.kind.times") },
                { value: "annual", label: t("loyalty.cards.kind.annual") },
              ]}
            />
          </Form.Item>
          {kind === "annual" ? (
            <Form.Item name="dailyLimit" label={t("loyalty.cards.dailyLimit")} extra={t("loyalty.cards.emptyUnlimited")}>
              <InputNumber<number> min={1} precision={0} style={{ width: "100%" }} />
            </Form.Item>
          ) : (
            <Form.Item name="uses" label={t("loyalty.cards.uses")} rules={[{ required: true }]}>
              <InputNumber<number> min={1} precision={0} style={{ width: "100%" }} data-testid="card-uses" />
            </Form.Item>
          )}
          <Form.Item name="validityDays" label={t("loyalty.cards.validityDays")} rules={[{ required: true }]}>
            <InputNumber<number> min={1} precision={0} style={{ width: "100%" }} />
          </Form.Item>
          <Form.Item name="price" label={t("loyalty.cards.priceIn", { currency })} rules={[{ required: true }]}>
            <InputNumber<number> min={0} style={{ width: "100%" }} data-testid="card-price" />
          </Form.Item>
          <Form.Item name="storeIds" label={t("loyalty.cards.stores")} extra={t("loyalty.cards.storesHelp")}>
            <Input />
          </Form.Item>
          <Space>
            <Button type="primary" htmlType="submit" loading={create.isPending} data-testid="card-save">
              {t("common.save")}
            </Button>
          </Space>
        </Form>
      </Drawer>
    </>
  );
}
