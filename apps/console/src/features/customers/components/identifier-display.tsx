import { Tag, Typography } from "antd";
import { useT } from "../../../lib/i18n";
import { displayIdentifierValue, identifierTypeColor, identifierTypeLabel } from "../identifier-labels";

export function IdentifierTypeTag(props: { type: string }) {
  const t = useT();
  const label = identifierTypeLabel(props.type);
  return (
    <Tag color={identifierTypeColor(props.type)} title={props.type}>
      {t(label.key, label.params)}
    </Tag>
  );
}

export function IdentifierValue(props: { type: string; value: string; copyable?: boolean }) {
  const t = useT();
  const shown = displayIdentifierValue(props.type, props.value);
  return (
    <span>
      <Typography.Text copyable={props.copyable ? { text: props.value } : false} style={{ wordBreak: "break-all" }}>
        {shown.text}
      </Typography.Text>
      {shown.appId ? (
        <Typography.Text type="secondary" style={{ marginLeft: 8, fontSize: 12 }}>
          {t("customers.identities.app", { appId: shown.appId })}
        </Typography.Text>
      ) : null}
    </span>
  );
}

/** Type tag and value on one line, for places that list identifiers of several types. */
export function IdentifierChip(props: { type: string; value: string }) {
  return (
    <span style={{ whiteSpace: "nowrap" }}>
      <IdentifierTypeTag type={props.type} />
      <IdentifierValue type={props.type} value={props.value} />
    </span>
  );
}
