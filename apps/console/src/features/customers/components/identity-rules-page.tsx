import { DeleteOutlined, PlusOutlined } from "@ant-design/icons";
import { Alert, App, Button, Card, Flex, Form, Input, InputNumber, Select, Table, Tag, Typography } from "antd";
import type { TableColumnsType } from "antd";
import type { FormListFieldData } from "antd/es/form/FormList";
import { useMemo } from "react";
import { PageHeader } from "../../../components/page-header";
import { QueryErrorResult } from "../../../components/query-error-result";
import { readValidationIssues, useReportApiError } from "../../../lib/api";
import { zodRule } from "../../../lib/forms/zod-rule";
import { useLanguage, useT } from "../../../lib/i18n";
import { useCurrentWorkspace } from "../../../lib/session";
import { useIdentitySettings } from "../api/get-identity-settings";
import { useUpdateIdentitySettings } from "../api/update-identity-settings";
import { KNOWN_IDENTIFIER_TYPES, identifierTypeLabel } from "../identifier-labels";
import {
  CUSTOM_TYPE,
  IDENTIFIER_TYPE_SCHEMA,
  JUNK_VALUES_SCHEMA,
  MAX_PER_PROFILE_SCHEMA,
  PHONE_REGION_SCHEMA,
  duplicateRuleRows,
  mapIdentitySettingsIssues,
  ruleRowType,
  toIdentityRulesForm,
  toIdentitySettingsBody,
  type IdentityRuleRow,
  type IdentityRulesFormValues,
} from "../identity-rules-form";

/** Regions a brand in China most often sells to; the workspace's current one is always offered too. */
const PHONE_REGIONS = ["CN", "HK", "MO", "TW", "SG", "MY", "TH", "VN", "ID", "PH", "JP", "KR", "AU", "NZ", "US", "CA", "GB", "FR", "DE"];

function regionName(code: string, lang: string): string {
  try {
    return new Intl.DisplayNames([lang], { type: "region" }).of(code) ?? code;
  } catch {
    return code;
  }
}

/** Settings → Identity rules: how many identifiers of a type one profile may hold, junk ids, the phone region. */
export function IdentityRulesPage() {
  const t = useT();
  const { workspaceId, can } = useCurrentWorkspace();
  const settings = useIdentitySettings(workspaceId);
  const canManage = can("customers.manage");

  return (
    <>
      <PageHeader title={t("customers.identityRules.title")} description={t("customers.identityRules.description")} />
      <Alert type="info" showIcon message={t("customers.identityRules.appliesFromNow")} style={{ marginBottom: 16, maxWidth: 880 }} />
      {!canManage ? (
        <Alert type="warning" showIcon message={t("customers.identityRules.readOnly")} style={{ marginBottom: 16, maxWidth: 880 }} data-testid="identity-read-only" />
      ) : null}
      {settings.isError ? (
        <QueryErrorResult error={settings.error} onRetry={() => void settings.refetch()} />
      ) : settings.data ? (
        // Remounted with the saved answer, so the form always starts from what the server holds.
        <IdentityRulesForm key={settings.dataUpdatedAt} initial={toIdentityRulesForm(settings.data)} workspaceId={workspaceId} canManage={canManage} />
      ) : (
        <Card loading style={{ maxWidth: 880 }} />
      )}
    </>
  );
}

function IdentityRulesForm(props: { initial: IdentityRulesFormValues; workspaceId: string; canManage: boolean }) {
  const t = useT();
  const { lang } = useLanguage();
  const { message } = App.useApp();
  const reportError = useReportApiError();
  const update = useUpdateIdentitySettings(props.workspaceId);
  const [form] = Form.useForm<IdentityRulesFormValues>();
  const watchedRows = Form.useWatch("maxPerProfile", form);
  const rows: IdentityRuleRow[] = useMemo(() => watchedRows ?? props.initial.maxPerProfile, [watchedRows, props.initial]);
  const { canManage } = props;

  const typeOptions = useMemo(() => {
    const used = new Set(rows.map((r) => r?.type));
    const listed = [...KNOWN_IDENTIFIER_TYPES, ...props.initial.maxPerProfile.map((r) => r.type).filter((type) => type !== CUSTOM_TYPE)];
    const label = (type: string) => {
      const l = identifierTypeLabel(type);
      return `${t(l.key, l.params)} · ${type}`;
    };
    return [
      ...[...new Set(listed)].map((type) => ({ value: type, label: label(type), disabled: used.has(type) })),
      { value: CUSTOM_TYPE, label: t("customers.identityRules.customType") },
    ];
  }, [rows, props.initial, t]);

  const regionOptions = useMemo(
    () =>
      [...new Set([...PHONE_REGIONS, props.initial.defaultPhoneRegion])].map((code) => ({
        value: code,
        label: `${regionName(code, lang)} (${code})`,
      })),
    [lang, props.initial.defaultPhoneRegion],
  );

  const notRepeated = (index: number) => ({
    validator: async () => {
      const current: IdentityRuleRow[] = form.getFieldValue("maxPerProfile") ?? [];
      if (duplicateRuleRows(current).has(index)) throw new Error(t("customers.identityRules.duplicate"));
    },
  });

  const save = (values: IdentityRulesFormValues) => {
    update.mutate(toIdentitySettingsBody(values), {
      onSuccess: () => void message.success(t("common.saved")),
      onError: (error) => {
        const issues = readValidationIssues(error);
        if (issues.length === 0) {
          reportError(error);
          return;
        }
        const { fieldErrors, otherMessages } = mapIdentitySettingsIssues(issues, values);
        form.setFields(fieldErrors);
        for (const text of otherMessages) void message.error(text);
      },
    });
  };

  const columns = (remove: (index: number) => void): TableColumnsType<FormListFieldData> => {
    const list: TableColumnsType<FormListFieldData> = [
      {
        title: t("customers.identityRules.type"),
        key: "type",
        render: (_v, field) => {
          const row = rows[field.name];
          return (
            <Flex gap={8} align="flex-start" wrap>
              <Form.Item
                name={[field.name, "type"]}
                rules={[{ required: true, message: t("common.validation.required") }, ...(row?.type === CUSTOM_TYPE ? [] : [notRepeated(field.name)])]}
                style={{ marginBottom: 0, minWidth: 260 }}
              >
                <Select options={typeOptions} showSearch optionFilterProp="label" data-testid={`identity-type-${field.name}`} />
              </Form.Item>
              {row?.type === CUSTOM_TYPE ? (
                <Form.Item
                  name={[field.name, "customName"]}
                  rules={[
                    {
                      validator: async (_rule, value: unknown) => {
                        const name = typeof value === "string" ? value.trim() : "";
                        if (name === "") throw new Error(t("common.validation.required"));
                        if (!IDENTIFIER_TYPE_SCHEMA.safeParse(`${CUSTOM_TYPE}${name}`).success) {
                          throw new Error(t("customers.identityRules.customNameFormat"));
                        }
                      },
                    },
                    notRepeated(field.name),
                  ]}
                  style={{ marginBottom: 0 }}
                >
                  <Input
                    addonBefore={CUSTOM_TYPE}
                    placeholder={t("customers.identityRules.customNamePlaceholder")}
                    maxLength={40}
                    style={{ width: 240 }}
                    data-testid={`identity-custom-name-${field.name}`}
                  />
                </Form.Item>
              ) : null}
            </Flex>
          );
        },
      },
      {
        title: t("customers.identityRules.max"),
        key: "max",
        width: 200,
        render: (_v, field) => {
          const row = rows[field.name];
          return (
            <Form.Item
              name={[field.name, "max"]}
              rules={[{ required: true, message: t("common.validation.required") }, zodRule(MAX_PER_PROFILE_SCHEMA, t)]}
              style={{ marginBottom: 0 }}
            >
              <InputNumber min={1} max={1000} precision={0} style={{ width: 120 }} data-testid={`identity-max-${row ? ruleRowType(row) : field.name}`} />
            </Form.Item>
          );
        },
      },
    ];
    if (canManage) {
      list.push({
        title: t("common.actions"),
        key: "actions",
        width: 100,
        render: (_v, field) => {
          const row = rows[field.name];
          return (
            <Button
              type="text"
              danger
              icon={<DeleteOutlined />}
              aria-label={t("common.delete")}
              onClick={() => remove(field.name)}
              data-testid={`identity-remove-${row ? ruleRowType(row) : field.name}`}
            />
          );
        },
      });
    }
    return list;
  };

  const firstUnusedType = () => KNOWN_IDENTIFIER_TYPES.find((type) => !rows.some((r) => r?.type === type)) ?? CUSTOM_TYPE;

  return (
    <Form<IdentityRulesFormValues>
      form={form}
      layout="vertical"
      requiredMark={false}
      disabled={!canManage}
      initialValues={props.initial}
      onFinish={save}
      style={{ maxWidth: 880 }}
      data-testid="identity-rules-form"
    >
      <Card title={t("customers.identityRules.limits.title")} style={{ marginBottom: 16 }}>
        <Typography.Paragraph type="secondary">{t("customers.identityRules.limits.help")}</Typography.Paragraph>
        <Form.List name="maxPerProfile">
          {(fields, { add, remove }, { errors }) => (
            <>
              <Table<FormListFieldData>
                size="small"
                rowKey="key"
                pagination={false}
                columns={columns(remove)}
                dataSource={fields}
                locale={{ emptyText: t("customers.identityRules.limits.empty") }}
                data-testid="identity-rules-table"
              />
              <Form.ErrorList errors={errors} />
              <Flex justify="space-between" align="center" wrap gap={8} style={{ marginTop: 12 }}>
                <Typography.Text type="secondary">{t("customers.identityRules.limits.noRule")}</Typography.Text>
                {canManage ? (
                  <Button
                    type="dashed"
                    icon={<PlusOutlined />}
                    onClick={() => add({ type: firstUnusedType(), max: 1 } satisfies IdentityRuleRow)}
                    data-testid="identity-add-rule"
                  >
                    {t("customers.identityRules.addRule")}
                  </Button>
                ) : null}
              </Flex>
            </>
          )}
        </Form.List>
      </Card>
      <Card title={t("customers.identityRules.junk.title")} style={{ marginBottom: 16 }}>
        <Form.Item name="junkValues" extra={t("customers.identityRules.junk.help")} rules={[zodRule(JUNK_VALUES_SCHEMA, t)]}>
          <Select
            mode="tags"
            open={false}
            suffixIcon={null}
            tokenSeparators={[","]}
            placeholder={t("customers.identityRules.junk.placeholder")}
            tagRender={({ value, closable, onClose }) => (
              <Tag
                closable={closable && canManage}
                onClose={onClose}
                onMouseDown={(e) => e.preventDefault()}
                style={{ marginInlineEnd: 4, fontFamily: "monospace" }}
              >
                {value === "" ? t("customers.identityRules.junk.emptyValue") : String(value)}
              </Tag>
            )}
            data-testid="identity-junk-values"
          />
        </Form.Item>
      </Card>
      <Card title={t("customers.identityRules.phone.title")} style={{ marginBottom: 16 }}>
        <Form.Item
          name="defaultPhoneRegion"
          label={t("customers.identityRules.phone.region")}
          extra={t("customers.identityRules.phone.help")}
          rules={[{ required: true, message: t("common.validation.required") }, zodRule(PHONE_REGION_SCHEMA, t)]}
        >
          <Select options={regionOptions} showSearch optionFilterProp="label" style={{ width: 280 }} data-testid="identity-phone-region" />
        </Form.Item>
      </Card>
      {canManage ? (
        <Button type="primary" htmlType="submit" loading={update.isPending} data-testid="identity-save">
          {t("common.save")}
        </Button>
      ) : null}
    </Form>
  );
}
