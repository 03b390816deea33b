import { Currency, TimeZone, WorkspaceName } from "@siyu/contracts";
import { Form, Input, Select } from "antd";
import { useMemo } from "react";
import { zodRule } from "../../../lib/forms/zod-rule";
import { useT } from "../../../lib/i18n";
import { listCurrencies, listTimeZones } from "../workspace-options";

export type WorkspaceFormValues = { name: string; timezone: string; currency: string };
export const WORKSPACE_FORM_FIELDS = ["name", "timezone", "currency"] as const;

/** Name, time zone and currency: shared by the create modal and the settings page. */
export function WorkspaceFormFields(props: { currentTimeZone?: string; currentCurrency?: string; disabled?: boolean }) {
  const t = useT();
  const zones = useMemo(() => listTimeZones(props.currentTimeZone), [props.currentTimeZone]);
  const currencies = useMemo(() => listCurrencies(props.currentCurrency), [props.currentCurrency]);
  return (
    <>
      <Form.Item name="name" label={t("workspaces.field.name")} rules={[zodRule(WorkspaceName, t)]}>
        <Input disabled={props.disabled} maxLength={100} data-testid="workspace-name" />
      </Form.Item>
      <Form.Item
        name="timezone"
        label={t("workspaces.field.timezone")}
        extra={t("workspaces.field.timezoneHelp")}
        rules={[zodRule(TimeZone, t)]}
      >
        <Select
          showSearch
          disabled={props.disabled}
          options={zones.map((zone) => ({ value: zone, label: zone }))}
          data-testid="workspace-timezone"
        />
      </Form.Item>
      <Form.Item
        name="currency"
        label={t("workspaces.field.currency")}
        extra={t("workspaces.field.currencyHelp")}
        rules={[zodRule(Currency, t)]}
      >
        <Select
          showSearch
          disabled={props.disabled}
          options={currencies.map((code) => ({ value: code, label: code }))}
          data-testid="workspace-currency"
        />
      </Form.Item>
    </>
  );
}
