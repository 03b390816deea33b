import { CheckOutlined, DeleteOutlined, EditOutlined, ReloadOutlined, UploadOutlined } from "@ant-design/icons";
import type { TagDto, TagGroupDto } from "@siyu/contracts";
import { App, Button, Card, Empty, InputNumber, Popconfirm, Skeleton, Space, Table, Tag, Tooltip, Typography } from "antd";
import { useEffect, useState } from "react";
import { useQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { TagSettingsDto } from "@siyu/contracts";
import { PageHeader } from "../../../components/page-header";
import { QueryErrorResult } from "../../../components/query-error-result";
import { apiRequest, encodePathSegment, useReportApiError } from "../../../lib/api";
import { formatDateTime } from "../../../lib/format/format-date-time";
import { useT } from "../../../lib/i18n";
import { useCurrentWorkspace } from "../../../lib/session";
import { tagKeys, useDeleteTag, useDeleteTagGroup, useRecomputeTag, useTags } from "../api/tags-api";
import { TagChip } from "./tag-chip";
import { TagFormModal } from "./tag-form-modal";
import { TagGroupModal } from "./tag-group-modal";
import { TagImportModal } from "./tag-import-modal";

/** The tag manager: groups with their tags and holder counts; create, edit, recompute, import, delete. */
export function TagManagerPage() {
  const t = useT();
  const { workspaceId, workspace, can } = useCurrentWorkspace();
  const canManage = can("segments.manage");
  const list = useTags(workspaceId);
  const [editingTag, setEditingTag] = useState<TagDto | null | undefined>(undefined);
  const [editingGroup, setEditingGroup] = useState<TagGroupDto | null | undefined>(undefined);
  const [importing, setImporting] = useState(false);
  const deleteTag = useDeleteTag(workspaceId);
  const deleteGroup = useDeleteTagGroup(workspaceId);
  const recompute = useRecomputeTag(workspaceId);
  const reportError = useReportApiError();
  const { message } = App.useApp();

  if (list.isError) return <QueryErrorResult error={list.error} onRetry={() => void list.refetch()} />;
  const data = list.data;
  const tags = data?.tags ?? [];
  const groups = data?.groups ?? [];

  const columns = [
    {
      title: t("tags.column.name"),
      key: "name",
      render: (tag: TagDto) => <TagChip name={tag.name} color={tag.color} />,
    },
    { title: t("tags.column.kind"), key: "kind", width: 110, render: (tag: TagDto) => t(`tags.kind.${tag.kind}`) },
    { title: t("tags.column.holders"), dataIndex: "holders", width: 110, align: "right" as const },
    {
      title: t("tags.column.computed"),
      key: "computed",
      width: 180,
      render: (tag: TagDto) => (tag.kind === "manual" ? "—" : tag.lastComputedAt ? formatDateTime(tag.lastComputedAt, workspace.timezone) : t("tags.never")),
    },
    ...(canManage
      ? [
          {
            title: t("tags.column.actions"),
            key: "actions",
            width: 160,
            render: (tag: TagDto) => (
              <Space size={4}>
                <Tooltip title={t("tags.edit")}>
                  <Button size="small" type="text" icon={<EditOutlined />} onClick={() => setEditingTag(tag)} aria-label={t("tags.edit")} />
                </Tooltip>
                {tag.kind !== "manual" ? (
                  <Tooltip title={t("tags.recompute")}>
                    <Button
                      size="small"
                      type="text"
                      icon={<ReloadOutlined />}
                      loading={recompute.isPending && recompute.variables === tag.id}
                      aria-label={t("tags.recompute")}
                      onClick={() =>
                        recompute.mutate(tag.id, {
                          onSuccess: (r) => void message.success(t("tags.recomputed", { added: r.added, removed: r.removed })),
                          onError: (error) => reportError(error),
                        })
                      }
                    />
                  </Tooltip>
                ) : null}
                <Popconfirm
                  title={t("tags.deleteConfirm", { name: tag.name, count: tag.holders ?? 0 })}
                  onConfirm={() => deleteTag.mutateAsync(tag.id).catch((error: unknown) => reportError(error))}
                >
                  <Button size="small" type="text" danger icon={<DeleteOutlined />} aria-label={t("tags.delete")} />
                </Popconfirm>
              </Space>
            ),
          },
        ]
      : []),
  ];

  const sections: { group: TagGroupDto | null; tags: TagDto[] }[] = [
    ...groups.map((group) => ({ group, tags: inSchemeOrder(tags.filter((tag) => tag.groupId === group.id)) })),
    { group: null, tags: tags.filter((tag) => !tag.groupId) },
  ].filter((s) => s.group || s.tags.length > 0);

  return (
    <div data-testid="tag-manager">
      <PageHeader
        title={t("tags.title")}
        description={t("tags.description")}
        extra={
          canManage ? (
            <>
              <Button onClick={() => setImporting(true)} icon={<UploadOutlined />}>
                {t("tags.import")}
              </Button>
              <Button onClick={() => setEditingGroup(null)}>{t("tags.newGroup")}</Button>
              <Button type="primary" onClick={() => setEditingTag(null)} data-testid="tag-new">
                {t("tags.newTag")}
              </Button>
            </>
          ) : null
        }
      />
      {canManage ? <RecomputeInterval workspaceId={workspaceId} /> : null}
      {!data ? (
        <Card>
          <Skeleton active />
        </Card>
      ) : sections.length === 0 ? (
        <Card>
          <Empty description={t("tags.empty")} />
        </Card>
      ) : (
        <Space direction="vertical" size={16} style={{ width: "100%" }}>
          {sections.map(({ group, tags: groupTags }) => (
            <Card
              key={group?.id ?? "ungrouped"}
              size="small"
              title={
                <Space>
                  {group?.name ?? t("tags.ungrouped")}
                  {group?.exclusive ? (
                    <Tooltip title={t("tags.exclusiveHelp")}>
                      <Tag>{t("tags.exclusive")}</Tag>
                    </Tooltip>
                  ) : null}
                  {group?.description ? <Typography.Text type="secondary">{group.description}</Typography.Text> : null}
                </Space>
              }
              extra={
                group && canManage ? (
                  <Space size={4}>
                    <Button size="small" type="text" icon={<EditOutlined />} onClick={() => setEditingGroup(group)} aria-label={t("tags.edit")} />
                    <Popconfirm
                      title={t("tags.deleteGroupConfirm", { name: group.name })}
                      onConfirm={() => deleteGroup.mutateAsync(group.id).catch((error: unknown) => reportError(error))}
                    >
                      <Button size="small" type="text" danger icon={<DeleteOutlined />} aria-label={t("tags.delete")} />
                    </Popconfirm>
                  </Space>
                ) : null
              }
            >
              <Table
                size="small"
                rowKey="id"
                pagination={false}
                dataSource={groupTags}
                columns={columns}
                locale={{ emptyText: t("tags.emptyGroup") }}
              />
            </Card>
          ))}
        </Space>
      )}
      <TagFormModal
        workspaceId={workspaceId}
        open={editingTag !== undefined}
        tag={editingTag ?? null}
        groups={groups}
        tags={tags}
        onClose={() => setEditingTag(undefined)}
      />
      <TagGroupModal workspaceId={workspaceId} open={editingGroup !== undefined} group={editingGroup ?? null} onClose={() => setEditingGroup(undefined)} />
      <TagImportModal workspaceId={workspaceId} open={importing} onClose={() => setImporting(false)} />
    </div>
  );
}

/** A quantile scheme's levels top first (high, medium, low), the other tags after them by name. */
function inSchemeOrder(tags: TagDto[]): TagDto[] {
  const position = (tag: TagDto) => {
    const levels = (tag.definition as { levels?: { tagId?: string }[] } | null)?.levels;
    const i = tag.kind === "quantile" && levels ? levels.findIndex((l) => l.tagId === tag.id) : -1;
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  return [...tags].sort((a, b) => position(a) - position(b) || a.name.localeCompare(b.name));
}

/** The per-workspace interval of the worker's recompute of rule and quantile tags (default daily). */
function RecomputeInterval(props: { workspaceId: string }) {
  const t = useT();
  const queryClient = useQueryClient();
  const reportError = useReportApiError();
  const path = `/workspaces/${encodePathSegment(props.workspaceId)}/tags/settings`;
  const key = [...tagKeys.all(props.workspaceId), "settings"];
  const settings = useQuery({ queryKey: key, queryFn: ({ signal }) => apiRequest(path, TagSettingsDto, { signal }) });
  const save = useMutation({
    mutationFn: (minutes: number) => apiRequest(path, TagSettingsDto, { method: "PATCH", body: { recomputeIntervalMinutes: minutes } }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: key }),
    onError: (error) => reportError(error),
  });
  const [value, setValue] = useState<number | null>(null);
  useEffect(() => {
    if (settings.data) setValue(settings.data.recomputeIntervalMinutes);
  }, [settings.data]);
  if (!settings.data) return null;
  return (
    <Space style={{ marginBottom: 16 }}>
      <Typography.Text type="secondary">{t("tags.settings.interval")}</Typography.Text>
      <InputNumber min={5} max={10_080} precision={0} value={value} onChange={setValue} addonAfter={t("tags.settings.minutes")} />
      <Button
        icon={<CheckOutlined />}
        disabled={!value || value === settings.data.recomputeIntervalMinutes}
        loading={save.isPending}
        onClick={() => value && save.mutate(value)}
        aria-label={t("tags.saved")}
      />
    </Space>
  );
}
