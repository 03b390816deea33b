import { KNOWN_CONSENT_CHANNELS, type ConsentDto, type ConsentPurpose } from "@siyu/contracts";
import { App, Card, Switch, Table, Tooltip } from "antd";
import { useT, type MessageKey } from "../../../lib/i18n";
import { useCurrentWorkspace } from "../../../lib/session";
import { useCustomerConsents, useSetCustomerConsents } from "../api/customer-consents";

const PURPOSES: readonly ConsentPurpose[] = ["marketing", "service"];

type Row = { channel: string } & Partial<Record<ConsentPurpose, ConsentDto>>;

/** One row per channel (Siyu's own plus any the brand recorded), a switch per purpose. */
export function consentRows(consents: readonly ConsentDto[]): Row[] {
  const channels = [...KNOWN_CONSENT_CHANNELS, ...consents.map((c) => c.channel).filter((c) => !(KNOWN_CONSENT_CHANNELS as readonly string[]).includes(c))];
  return [...new Set(channels)].map((channel) => {
    const row: Row = { channel };
    for (const c of consents) if (c.channel === channel) row[c.purpose] = c;
    return row;
  });
}

export function CustomerConsentsCard(props: { profileId: string }) {
  const t = useT();
  const { message } = App.useApp();
  const { workspaceId, can } = useCurrentWorkspace();
  const consents = useCustomerConsents(workspaceId, props.profileId);
  const setConsents = useSetCustomerConsents(workspaceId, props.profileId);
  const canManage = can("customers.manage");

  const change = (channel: string, purpose: ConsentPurpose, granted: boolean) =>
    setConsents.mutate(
      { consents: [{ channel, purpose, granted }] },
      { onError: (error) => void message.error(error instanceof Error ? error.message : String(error)) },
    );

  return (
    <Card title={t("customers.consents.title")} data-testid="customer-consents" loading={consents.isLoading}>
      <Table<Row>
        size="small"
        pagination={false}
        rowKey="channel"
        dataSource={consentRows(consents.data?.items ?? [])}
        columns={[
          { title: t("customers.consents.channel"), dataIndex: "channel", render: (channel: string) => ((KNOWN_CONSENT_CHANNELS as readonly string[]).includes(channel) ? t(`customers.consents.channel.${channel}` as MessageKey) : channel) },
          ...PURPOSES.map((purpose) => ({
            title: t(`customers.consents.purpose.${purpose}`),
            key: purpose,
            render: (_: unknown, row: Row) => {
              const decision = row[purpose];
              const control = (
                <Switch
                  size="small"
                  checked={decision?.granted ?? false}
                  disabled={!canManage}
                  loading={setConsents.isPending && setConsents.variables?.consents[0]?.channel === row.channel}
                  onChange={(granted) => change(row.channel, purpose, granted)}
                  data-testid={`consent-${row.channel}-${purpose}`}
                />
              );
              return decision ? (
                <Tooltip title={t("customers.consents.recorded", { source: t(`customers.consents.source.${decision.source}`), at: new Date(decision.updatedAt).toLocaleString() })}>
                  {control}
                </Tooltip>
              ) : (
                control
              );
            },
          })),
        ]}
      />
    </Card>
  );
}
