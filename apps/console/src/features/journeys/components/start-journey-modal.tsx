import type { PlaybookDto } from "@siyu/contracts";
import { App, Form, Input, Modal, Typography } from "antd";
import { useMemo, useState } from "react";
import { useNavigate } from "react-router";
import { useReportApiError } from "../../../lib/api";
import { useT } from "../../../lib/i18n";
import { testId } from "../../../lib/test-id";
import { useCreateJourney } from "../api/journeys";
import { isUnpicked } from "../graph/node-model";
import { blankJourney, journeyFromPlaybook, listReferences } from "../graph/playbook";
import { ReferenceSelect, useReferenceChoices } from "./reference-select";

/** New journey: blank (a name) or from a playbook (a name and what its nodes use); opens the canvas after. */
export function StartJourneyModal(props: { workspaceId: string; open: boolean; playbook: PlaybookDto | null; onClose: () => void }) {
  const t = useT();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const reportError = useReportApiError();
  const create = useCreateJourney(props.workspaceId);
  const choices = useReferenceChoices(props.workspaceId);
  const { playbook } = props;
  const references = useMemo(() => (playbook ? listReferences(playbook.journey.graph) : []), [playbook]);
  const [name, setName] = useState<string | null>(null);
  const [picks, setPicks] = useState<Record<string, string | null>>({});
  const shownName = name ?? (playbook ? playbook.journey.name : "");

  const close = () => {
    setName(null);
    setPicks({});
    props.onClose();
  };
  const submit = () => {
    const trimmed = shownName.trim();
    if (!trimmed) {
      void message.warning(t("journeys.nameRequired"));
      return;
    }
    const channelOf = (id: string) => choices.choices.message_template.find((c) => c.value === id)?.channel;
    const body = playbook ? journeyFromPlaybook(playbook, trimmed, picks, channelOf) : blankJourney(trimmed);
    create.mutate(body, {
      onSuccess: (journey) => {
        void message.success(t("journeys.created"));
        close();
        void navigate(`/w/${props.workspaceId}/journeys/${journey.id}`);
      },
      onError: (e) => reportError(e),
    });
  };

  return (
    <Modal
      open={props.open}
      onCancel={close}
      onOk={submit}
      okText={t("journeys.create")}
      confirmLoading={create.isPending}
      okButtonProps={testId("journey-create")}
      title={playbook ? t("journeys.playbooks.startTitle", { name: playbook.name }) : t("journeys.newTitle")}
      destroyOnHidden
      width={560}
    >
      <Form layout="vertical" component="div">
        {playbook ? <Typography.Paragraph type="secondary">{playbook.description}</Typography.Paragraph> : null}
        <Form.Item label={t("journeys.name")} required>
          <Input value={shownName} maxLength={200} onChange={(e) => setName(e.target.value)} onPressEnter={submit} data-testid="journey-new-name" autoFocus />
        </Form.Item>
        {playbook ? (
          <>
            {playbook.needs.length > 0 ? <Typography.Paragraph>{t("journeys.playbooks.needs", { needs: playbook.needs.join(", ") })}</Typography.Paragraph> : null}
            {references.length === 0 ? <Typography.Paragraph type="secondary">{t("journeys.playbooks.noPicks")}</Typography.Paragraph> : <Typography.Title level={5}>{t("journeys.playbooks.picks")}</Typography.Title>}
            {references.map((ref) => (
              <Form.Item key={ref.nodeId} label={t("journeys.ref.forNode", { kind: t(`journeys.ref.${ref.kind}`), node: ref.nodeId })}>
                {/* Templates of every channel: the send node takes the picked template's channel (the playbook's is only a default). */}
                <ReferenceSelect
                  choices={choices}
                  kind={ref.kind}
                  showChannel
                  value={ref.nodeId in picks ? picks[ref.nodeId]! : isUnpicked(ref.value) ? null : ref.value}
                  allowNone={ref.optional ? t("journeys.playbooks.none") : undefined}
                  onChange={(v) => setPicks({ ...picks, [ref.nodeId]: v })}
                  testId={`playbook-pick-${ref.nodeId}`}
                />
              </Form.Item>
            ))}
          </>
        ) : null}
      </Form>
    </Modal>
  );
}
