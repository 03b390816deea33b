import { Button, Calendar, Flex, Form, Input, InputNumber, Select, Space, Statistic, Tag } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { useState } from "react";
import { useReportApiError } from "../../../lib/api";
import { useT } from "../../../lib/i18n";
import { useCurrentWorkspace } from "../../../lib/session";
import { useCheckIn, useCheckInCalendar, useGrantMakeUpCards } from "../api/check-ins";

type CardsValues = { count: number; reason: string };

/** The customer's check-in month, streaks and make-up cards; with loyalty.manage: check in, make up a day, give cards. */
export function CustomerCheckInsPanel(props: { profileId: string }) {
  const t = useT();
  const { workspaceId, can } = useCurrentWorkspace();
  const [month, setMonth] = useState<string | undefined>(undefined);
  const calendar = useCheckInCalendar(workspaceId, props.profileId, month);
  const checkIn = useCheckIn(workspaceId, props.profileId);
  const grant = useGrantMakeUpCards(workspaceId, props.profileId);
  const reportError = useReportApiError();
  const [makeUpDay, setMakeUpDay] = useState<string | undefined>(undefined);
  const [cardsForm] = Form.useForm<CardsValues>();
  // One key per action: a double click or a retried request counts once.
  const [attempt, setAttempt] = useState(() => crypto.randomUUID());
  const next = () => setAttempt(crypto.randomUUID());
  const data = calendar.data;
  const byDay = new Map((data?.days ?? []).map((d) => [d.day, d]));
  const manage = can("loyalty.manage");

  const cell = (date: Dayjs) => {
    const d = byDay.get(date.format("YYYY-MM-DD"));
    if (!d) return null;
    return (
      <Tag color={d.kind === "make_up" ? "orange" : "green"} style={{ marginInlineEnd: 0 }} data-testid={`check-in-day-${date.format("YYYY-MM-DD")}`}>
        {d.kind === "make_up" ? t("loyalty.checkIns.madeUp") : "✓"} +{d.points + d.bonus}
      </Tag>
    );
  };

  return (
    <div data-testid="customer-check-ins">
      <Flex gap={32} wrap style={{ marginBottom: 12 }}>
        <Statistic title={t("loyalty.checkIns.currentStreak")} value={data?.currentStreak ?? 0} suffix={t("loyalty.checkIns.days")} data-testid="check-in-streak" />
        <Statistic title={t("loyalty.checkIns.longestStreak")} value={data?.longestStreak ?? 0} suffix={t("loyalty.checkIns.days")} />
        <Statistic title={t("loyalty.checkIns.cards")} value={data?.makeUpCards ?? 0} data-testid="check-in-cards" />
        <Statistic title={t("loyalty.checkIns.today")} value={data?.checkedInToday ? t("loyalty.checkIns.checked") : t("loyalty.checkIns.notYet")} />
      </Flex>
      {manage ? (
        <Space wrap style={{ marginBottom: 12 }}>
          <Button
            type="primary"
            disabled={!data || data.checkedInToday}
            loading={checkIn.isPending}
            data-testid="check-in-today"
            onClick={() => checkIn.mutate({ idempotencyKey: attempt }, { onSuccess: next, onError: (e) => reportError(e) })}
          >
            {t("loyalty.checkIns.checkInToday")}
          </Button>
          <Select
            style={{ width: 160 }}
            placeholder={t("loyalty.checkIns.missedDay")}
            value={makeUpDay}
            onChange={setMakeUpDay}
            options={(data?.makeUpDays ?? []).map((d) => ({ value: d, label: d }))}
            data-testid="check-in-makeup-day"
          />
          <Button
            disabled={!makeUpDay || !data?.makeUpCards}
            loading={checkIn.isPending}
            data-testid="check-in-makeup"
            onClick={() =>
              checkIn.mutate(
                { day: makeUpDay, idempotencyKey: attempt },
                {
                  onSuccess: () => {
                    setMakeUpDay(undefined);
                    next();
                  },
                  onError: (e) => reportError(e),
                },
              )
            }
          >
            {t("loyalty.checkIns.makeUp")}
          </Button>
          <Form<CardsValues>
            form={cardsForm}
            layout="inline"
            requiredMark={false}
            onFinish={(v) =>
              grant.mutate(
                { count: v.count, reason: v.reason, idempotencyKey: attempt },
                {
                  onSuccess: () => {
                    cardsForm.resetFields();
                    next();
                  },
                  onError: (e) => reportError(e, cardsForm, ["count", "reason"]),
                },
              )
            }
          >
            <Form.Item name="count" initialValue={1} rules={[{ required: true, message: t("loyalty.validation.required") }]}>
              <InputNumber<number> min={1} max={100} precision={0} style={{ width: 80 }} />
            </Form.Item>
            <Form.Item name="reason" rules={[{ required: true, whitespace: true, message: t("loyalty.customer.reasonRequired") }]}>
              <Input maxLength={500} placeholder={t("loyalty.customer.reason")} data-testid="check-in-cards-reason" />
            </Form.Item>
            <Button htmlType="submit" loading={grant.isPending} data-testid="check-in-cards-grant">
              {t("loyalty.checkIns.giveCards")}
            </Button>
          </Form>
        </Space>
      ) : null}
      <Calendar
        fullscreen={false}
        value={month ? dayjs(`${month}-01`) : data ? dayjs(data.today) : undefined}
        onPanelChange={(date) => setMonth(date.format("YYYY-MM"))}
        cellRender={(date, info) => (info.type === "date" ? cell(date) : null)}
      />
    </div>
  );
}
