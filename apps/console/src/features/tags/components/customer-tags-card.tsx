import { Button, Card, Empty, Select, Space, Tooltip } from "antd";
import { useState } from "react";
import { useReportApiError } from "../../../lib/api";
import { formatDateTime } from "../../../lib/format/format-date-time";
import { useT } from "../../../lib/i18n";
import { useCurrentWorkspace } from "../../../lib/session";
import { useAddCustomerTag, useCustomerTags, useRemoveCustomerTag, useTags } from "../api/tags-api";
import { TagChip } from "./tag-chip";

/** The tags a customer holds, on their profile page: chips, and for managers add / remove of manual tags. */
export function CustomerTagsCard(props: { profileId: string }) {
  const t = useT();
  const { workspaceId, workspace, can } = useCurrentWorkspace();
  const canRead = can("segments.read");
  const canManage = can("segments.manage");
  const held = useCustomerTags(workspaceId, props.profileId);
  const all = useTags(workspaceId);
  const add = useAddCustomerTag(workspaceId, props.profileId);
  const remove = useRemoveCustomerTag(workspaceId, props.profileId);
  const reportError = useReportApiError();
  const [picked, setPicked] = useState<string | undefined>();
  if (!canRead) return null;

  const items = held.data?.items ?? [];
  const heldIds = new Set(items.map((i) => i.tagId));
  const groupName = (groupId: string | null) => all.data?.groups.find((g) => g.id === groupId)?.name;
  const options = (all.data?.tags ?? [])
    .filter((tag) => tag.kind === "manual" && !heldIds.has(tag.id))
    .map((tag) => ({ value: tag.id, label: groupName(tag.groupId) ? `${groupName(tag.groupId)} / ${tag.name}` : tag.name }));

  return (
    <Card title={t("tags.customer.title")} size="small" loading={held.isLoading} data-testid="customer-tags">
      {items.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("tags.customer.none")} />
      ) : (
        <div>
          {items.map((item) => (
            <Tooltip
              key={item.tagId}
              title={`${item.groupName ? `${item.groupName} · ` : ""}${t(`tags.source.${item.source}`)} · ${formatDateTime(item.addedAt, workspace.timezone)}${item.addedBy ? ` · ${item.addedBy}` : ""}`}
            >
              <span>
                <TagChip
                  name={item.name}
                  color={item.color}
                  closable={canManage && item.kind === "manual"}
                  onClose={() => remove.mutate(item.tagId, { onError: (error) => reportError(error) })}
                />
              </span>
            </Tooltip>
          ))}
        </div>
      )}
      {canManage ? (
        <Space.Compact style={{ marginTop: 12, width: "100%" }}>
          <Select
            showSearch
            optionFilterProp="label"
            style={{ flex: 1 }}
            placeholder={t("tags.customer.pick")}
            options={options}
            value={picked}
            onChange={setPicked}
            data-testid="customer-tag-picker"
          />
          <Button
            type="primary"
            disabled={!picked}
            loading={add.isPending}
            onClick={() =>
              picked &&
              add.mutate(picked, {
                onSuccess: () => setPicked(undefined),
                onError: (error) => reportError(error),
              })
            }
          >
            {t("tags.customer.add")}
          </Button>
        </Space.Compact>
      ) : null}
    </Card>
  );
}
