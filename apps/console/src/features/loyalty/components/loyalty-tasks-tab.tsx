import { MinusCircleOutlined, PlusOutlined } from "@ant-design/icons";
import { TaskKind, type TaskDto } from "@siyu/contracts";
import { App, Button, Card, Drawer, Flex, Form, Input, InputNumber, Popconfirm, Select, Space, Table, Tag } from "antd";
import { useState } from "react";
import { QueryErrorResult } from "../../../components/query-error-result";
import { useReportApiError } from "../../../lib/api";
import { useT } from "../../../lib/i18n";
import { useCurrentWorkspace } from "../../../lib/session";
import { useCouponTemplates } from "../api/coupon-templates";
import { useArchiveTask, useSaveTask, useTasks } from "../api/engagement";
import { EMPTY_TASK_FORM, TASK_FORM_FIELDS, taskFormToBody, taskToForm, type TaskFormValues } from "../task-form-values";

const STATUS_COLORS: Record<TaskDto["status"], string> = { active: "green", paused: "orange", archived: "default" };

/** Member tasks: the list, and an editor for steps (events counted, traits present) and rewards. */
export function LoyaltyTasksTab() {
  const t = useT();
  const { message } = App.useApp();
  const { workspaceId, can } = useCurrentWorkspace();
  const tasks = useTasks(workspaceId);
  const templates = useCouponTemplates(workspaceId);
  const save = useSaveTask(workspaceId);
  const archive = useArchiveTask(workspaceId);
  const reportError = useReportApiError();
  const [editing, setEditing] = useState<{ task: TaskDto | null } | null>(null);
  const [form] = Form.useForm<TaskFormValues>();
  const kind = Form.useWatch("kind", form);
  const canManage = can("loyalty.manage");

  if (tasks.isError) return <QueryErrorResult error={tasks.error} onRetry={() => void tasks.refetch()} />;

  const open = (task: TaskDto | null) => {
    form.resetFields();
    form.setFieldsValue(task ? taskToForm(task) : EMPTY_TASK_FORM);
    setEditing({ task });
  };
  const submit = (values: TaskFormValues) =>
    save.mutate(
      { taskId: editing?.task?.id, body: taskFormToBody(values, editing?.task?.position ?? tasks.data?.items.length ?? 0) },
      {
        onSuccess: () => {
          void message.success(t("common.saved"));
          setEditing(null);
        },
        onError: (error) => reportError(error, form, TASK_FORM_FIELDS),
      },
    );

  return (
    <>
      <Flex justify="flex-end" style={{ marginBottom: 12 }}>
        {canManage ? (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => open(null)} data-testid="task-new">
            {t("loyalty.tasks.new")}
          </Button>
        ) : null}
      </Flex>
      <Table<TaskDto>
        rowKey="id"
        loading={tasks.isLoading}
        dataSource={tasks.data?.items ?? []}
        pagination={false}
        data-testid="loyalty-tasks"
        columns={[
          { title: t("loyalty.tasks.name"), key: "name", render: (_: unknown, row) => `${row.nameZh}${row.nameEn ? ` · ${row.nameEn}` : ""}` },
          { title: t("loyalty.tasks.kind"), key: "kind", render: (_: unknown, row) => (row.kind === "new_member" ? t("loyalty.tasks.kindNewMemberDays", { days: row.windowDays ?? 0 }) : t(`loyalty.tasks.kind.${row.kind}`)) },
          { title: t("loyalty.tasks.steps"), key: "steps", render: (_: unknown, row) => row.steps.map((s) => (s.kind === "event" ? `${s.event} ×${s.count}` : t("loyalty.tasks.profileComplete"))).join(" · ") },
          {
            title: t("loyalty.tasks.reward"),
            key: "reward",
            render: (_: unknown, row) =>
              [row.rewardPoints ? t("loyalty.tasks.points", { points: row.rewardPoints }) : null, row.rewardTemplateId ? (templates.data?.items.find((x) => x.id === row.rewardTemplateId)?.name ?? t("loyalty.tasks.coupon")) : null]
                .filter(Boolean)
                .join(" + "),
          },
          { title: t("common.status"), dataIndex: "status", render: (s: TaskDto["status"]) => <Tag color={STATUS_COLORS[s]}>{t(`loyalty.status.${s}`)}</Tag> },
          ...(canManage
            ? [
                {
                  title: "",
                  key: "actions",
                  render: (_: unknown, row: TaskDto) => (
                    <Space>
                      <Button size="small" onClick={() => open(row)} data-testid={`task-edit-${row.code}`}>
                        {t("common.edit")}
                      </Button>
                      <Popconfirm title={t("loyalty.tasks.archiveConfirm")} onConfirm={() => archive.mutate(row.id, { onError: (e) => reportError(e) })}>
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
        open={editing !== null}
        onClose={() => setEditing(null)}
        width={560}
        title={editing?.task ? editing.task.nameZh : t("loyalty.tasks.new")}
        destroyOnHidden
        extra={
          <Flex gap={8}>
            <Button onClick={() => setEditing(null)}>{t("common.cancel")}</Button>
            <Button type="primary" loading={save.isPending} onClick={() => form.submit()} data-testid="task-save">
              {t("common.save")}
            </Button>
          </Flex>
        }
      >
        <Form<TaskFormValues> form={form} layout="vertical" requiredMark={false} onFinish={submit} initialValues={EMPTY_TASK_FORM}>
          <Space align="start" wrap>
            <Form.Item name="code" label={t("loyalty.tasks.code")} tooltip={t("loyalty.tasks.codeHelp")} rules={[{ required: true, message: t("loyalty.validation.required") }]}>
              <Input maxLength={40} data-testid="task-code" />
            </Form.Item>
            <Form.Item name="status" label={t("common.status")}>
              <Select style={{ width: 120 }} options={(["active", "paused"] as const).map((s) => ({ value: s, label: t(`loyalty.status.${s}`) }))} data-testid="task-status" />
            </Form.Item>
          </Space>
          <Space align="start" wrap>
            <Form.Item name="nameZh" label={t("loyalty.tasks.nameZh")} rules={[{ required: true, whitespace: true, message: t("loyalty.validation.required") }]}>
              <Input maxLength={80} data-testid="task-name-zh" />
            </Form.Item>
            <Form.Item name="nameEn" label={t("loyalty.tasks.nameEn")}>
              <Input maxLength={80} />
            </Form.Item>
          </Space>
          <Space align="start" wrap>
            <Form.Item name="kind" label={t("loyalty.tasks.kind")}>
              <Select style={{ width: 180 }} options={TaskKind.options.map((k) => ({ value: k, label: t(`loyalty.tasks.kind.${k}`) }))} data-testid="task-kind" />
            </Form.Item>
            {kind === "new_member" ? (
              <Form.Item name="windowDays" label={t("loyalty.tasks.windowDays")} rules={[{ required: true, message: t("loyalty.validation.required") }]}>
                <InputNumber<number> min={1} max={365} precision={0} data-testid="task-window-days" />
              </Form.Item>
            ) : null}
          </Space>
          <Form.List name="steps">
            {(fields, { add, remove }) => (
              <Flex vertical gap={8} style={{ marginBottom: 16 }}>
                {fields.map((field, index) => (
                  <StepEditor key={field.key} index={index} onRemove={fields.length > 1 ? () => remove(field.name) : undefined} />
                ))}
                <Button icon={<PlusOutlined />} onClick={() => add({ kind: "event", event: "", count: 1 })} data-testid="task-step-add">
                  {t("loyalty.tasks.addStep")}
                </Button>
              </Flex>
            )}
          </Form.List>
          <Space align="start" wrap>
            <Form.Item name="rewardPoints" label={t("loyalty.tasks.rewardPoints")}>
              <InputNumber<number> min={1} precision={0} data-testid="task-reward-points" />
            </Form.Item>
            <Form.Item name="rewardTemplateId" label={t("loyalty.tasks.rewardCoupon")}>
              <Select
                allowClear
                style={{ width: 220 }}
                options={(templates.data?.items ?? []).filter((x) => x.status === "active").map((x) => ({ value: x.id, label: x.name }))}
                data-testid="task-reward-coupon"
              />
            </Form.Item>
          </Space>
        </Form>
      </Drawer>
    </>
  );
}

function StepEditor(props: { index: number; onRemove?: () => void }) {
  const t = useT();
  const kind = Form.useWatch(["steps", props.index, "kind"]) as string | undefined;
  return (
    <Card
      size="small"
      title={t("loyalty.tasks.step", { n: props.index + 1 })}
      extra={props.onRemove ? <Button type="text" size="small" icon={<MinusCircleOutlined />} onClick={props.onRemove} aria-label={t("common.delete")} /> : null}
      data-testid={`task-step-${props.index}`}
    >
      <Form.Item name={[props.index, "kind"]} style={{ marginBottom: 8 }}>
        <Select
          options={[
            { value: "event", label: t("loyalty.tasks.stepEvent") },
            { value: "profile_complete", label: t("loyalty.tasks.profileComplete") },
          ]}
          data-testid={`task-step-${props.index}-kind`}
        />
      </Form.Item>
      {kind === "profile_complete" ? (
        <Form.Item name={[props.index, "traits"]} label={t("loyalty.tasks.traits")} rules={[{ required: true, message: t("loyalty.validation.required") }]} style={{ marginBottom: 0 }}>
          <Select mode="tags" tokenSeparators={[",", " "]} placeholder="name, phone, birthday" />
        </Form.Item>
      ) : (
        <>
          <Space align="start" wrap>
            <Form.Item name={[props.index, "event"]} label={t("loyalty.tasks.event")} rules={[{ required: true, whitespace: true, message: t("loyalty.validation.required") }]}>
              <Input placeholder="Order Completed" maxLength={100} data-testid={`task-step-${props.index}-event`} />
            </Form.Item>
            <Form.Item name={[props.index, "count"]} label={t("loyalty.tasks.count")}>
              <InputNumber<number> min={1} max={1000} precision={0} data-testid={`task-step-${props.index}-count`} />
            </Form.Item>
          </Space>
          <Form.Item name={[props.index, "filters"]} label={t("loyalty.tasks.filters")} tooltip={t("loyalty.tasks.filtersHelp")} style={{ marginBottom: 0 }}>
            <Select mode="tags" placeholder="channel=wechat" />
          </Form.Item>
        </>
      )}
    </Card>
  );
}
