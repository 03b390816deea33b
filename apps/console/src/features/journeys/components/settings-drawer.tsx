import type { JourneyEntry, JourneySettings } from "@siyu/contracts";
import { Divider, Drawer, Flex, Form, Input, InputNumber, Select, Switch } from "antd";
import { useT } from "../../../lib/i18n";
import type { RuleBuilderSlot } from "./node-inspector";
import { PropertyFiltersInput } from "./small-inputs";

/** Entry rule, audience, goal, holdout, daily send limit, dry run: applied to the draft as they change. */
export function SettingsDrawer(props: { open: boolean; onClose: () => void; value: JourneySettings; onChange: (next: JourneySettings) => void; readOnly: boolean; ruleBuilder: RuleBuilderSlot }) {
  const t = useT();
  const { value, onChange, readOnly: disabled } = props;
  const setEntryMode = (mode: JourneyEntry["mode"]) => onChange({ ...value, entry: mode === "cooldown" ? { mode, hours: 24 } : { mode } });
  return (
    <Drawer open={props.open} onClose={props.onClose} width={640} title={t("journeys.settings.title")} data-testid="journey-settings-drawer">
      <Form layout="vertical" component="div">
        <Flex gap={12}>
          <Form.Item label={t("journeys.settings.entry")} style={{ flex: 1 }}>
            <Select
              value={value.entry.mode}
              disabled={disabled}
              onChange={setEntryMode}
              options={(["once", "every_time", "cooldown"] as const).map((m) => ({ value: m, label: t(`journeys.settings.entry.${m}`) }))}
              data-testid="settings-entry"
            />
          </Form.Item>
          {value.entry.mode === "cooldown" ? (
            <Form.Item label={t("journeys.settings.cooldownHours")}>
              <InputNumber<number> min={1} max={366 * 24} precision={0} value={value.entry.hours} disabled={disabled} onChange={(hours) => hours && onChange({ ...value, entry: { mode: "cooldown", hours } })} />
            </Form.Item>
          ) : null}
        </Flex>
        <Flex gap={12}>
          <Form.Item label={t("journeys.settings.holdout")} style={{ flex: 1 }}>
            <InputNumber<number> min={0} max={50} value={value.holdoutPercent} addonAfter="%" disabled={disabled} onChange={(v) => onChange({ ...value, holdoutPercent: v ?? 0 })} data-testid="settings-holdout" />
          </Form.Item>
          <Form.Item label={t("journeys.settings.dailyLimit")} style={{ flex: 1 }}>
            <InputNumber<number> min={1} max={10_000_000} precision={0} value={value.dailySendLimit} disabled={disabled} onChange={(v) => onChange({ ...value, dailySendLimit: v ?? null })} data-testid="settings-daily-limit" />
          </Form.Item>
        </Flex>
        <Form.Item label={t("journeys.settings.dryRun")}>
          <Switch checked={value.dryRun} disabled={disabled} onChange={(dryRun) => onChange({ ...value, dryRun })} data-testid="settings-dry-run" />
        </Form.Item>
        <Divider orientation="left">{t("journeys.settings.goal")}</Divider>
        <Form.Item label={t("journeys.settings.goalEnabled")}>
          <Switch
            checked={value.goal !== null}
            disabled={disabled}
            onChange={(on) => onChange({ ...value, goal: on ? { event: "Order Completed", where: [], withinHours: 72 } : null })}
            data-testid="settings-goal"
          />
        </Form.Item>
        {value.goal ? (
          <>
            <Flex gap={12}>
              <Form.Item label={t("journeys.settings.goalEvent")} style={{ flex: 1 }}>
                <Input value={value.goal.event} disabled={disabled} onChange={(e) => onChange({ ...value, goal: { ...value.goal!, event: e.target.value } })} data-testid="settings-goal-event" />
              </Form.Item>
              <Form.Item label={t("journeys.settings.goalWithin")}>
                <InputNumber<number> min={1} max={366 * 24} precision={0} value={value.goal.withinHours} disabled={disabled} onChange={(h) => h && onChange({ ...value, goal: { ...value.goal!, withinHours: h } })} />
              </Form.Item>
            </Flex>
            <Form.Item label={t("journeys.inspector.where")}>
              <PropertyFiltersInput value={value.goal.where} disabled={disabled} onChange={(where) => onChange({ ...value, goal: { ...value.goal!, where } })} />
            </Form.Item>
          </>
        ) : null}
        <Divider orientation="left">{t("journeys.settings.audience")}</Divider>
        <Form.Item label={t("journeys.settings.audienceEnabled")}>
          <Switch checked={value.audience !== null} disabled={disabled} onChange={(on) => onChange({ ...value, audience: on ? { type: "and", rules: [] } : null })} data-testid="settings-audience" />
        </Form.Item>
        {value.audience ? (
          <div style={disabled ? { pointerEvents: "none", opacity: 0.7 } : undefined}>
            {props.ruleBuilder({ value: value.audience, onChange: (audience) => onChange({ ...value, audience }), testId: "settings-audience-rule" })}
          </div>
        ) : null}
      </Form>
    </Drawer>
  );
}
